import { describe, expect, it } from 'vitest';
import { runClosedLoop } from '../../../bench/lib/closed-loop';
import { type Contender, makeRow, measureRounds, median, pairedRatio, summarize } from '../../../bench/lib/rounds';
import { CheckFailure, type Measurement, type ScenarioContext } from '../../../bench/lib/types';

function measurement(throughput: number, overrides: Partial<Measurement> = {}): Measurement {
  return { throughput, p50: 1, p99: 2, max: 3, count: throughput, completed: throughput, failures: {}, samples: [], ...overrides };
}

function context(exclusive: boolean, rounds: number): ScenarioContext {
  return {
    engine: { exclusive } as ScenarioContext['engine'],
    workers: {} as ScenarioContext['workers'],
    settings: { quick: true, rounds, warmupMs: 10, measureMs: 20, primeMs: 30, pinned: false },
    log: () => {},
  };
}

/** Contenders that record the order they ran in and the stretches they were settled with. */
function recorded(names: string[], results: (name: string, round: number) => Measurement = () => measurement(100)) {
  const calls: string[] = [];
  const settled: string[] = [];
  const contenders: Contender[] = names.map((name) => ({
    name,
    round: async (round) => {
      calls.push(`${name}${round < 0 ? '*' : round}`);
      return results(name, round);
    },
    settle: async (stretch) => {
      settled.push(`${name}:${stretch.length}`);
    },
  }));
  return { calls, settled, contenders };
}

describe('bench rounds', () => {
  it('primes every contender, then rotates the order from round to round', async () => {
    const { calls, settled, contenders } = recorded(['P', 'A', 'R']);
    await measureRounds(context(false, 3), 'S', contenders, 'req/s');
    expect(calls).toEqual(['P*', 'A*', 'R*', 'P0', 'A0', 'R0', 'A1', 'R1', 'P1', 'R2', 'P2', 'A2']);
    // Alternating: each stretch is one run (R2 then P2 are different contenders).
    expect(settled).toHaveLength(calls.length);
  });

  it('runs each contender in one stretch on an engine one process owns, settled once per stretch', async () => {
    const { calls, settled, contenders } = recorded(['P', 'B']);
    await measureRounds(context(true, 3), 'S', contenders, 'msg/s');
    expect(calls).toEqual(['P*', 'P0', 'P1', 'P2', 'B*', 'B0', 'B1', 'B2']);
    expect(settled).toEqual(['P:4', 'B:4']);
  });

  it('keeps the medians of the measured rounds only, and counts failures while priming against the first round', async () => {
    const { contenders } = recorded(['P', 'B'], (name, round) =>
      round < 0
        ? measurement(1, { failures: { RATE_LIMITED: 2 }, samples: ['RATE_LIMITED: slow down'] })
        : measurement(name === 'P' ? [50, 10, 30][round]! : 100),
    );
    const [parley, baseline] = await measureRounds(context(false, 3), 'S', contenders, 'msg/s');
    expect(parley!.throughput).toBe(30);
    expect(parley!.rounds).toHaveLength(3);
    expect(parley!.failures).toEqual({ RATE_LIMITED: 2 });
    expect(parley!.samples[0]).toContain('while priming');
    expect(pairedRatio(parley!, baseline!)).toBeCloseTo(0.3);
  });

  it('marks a row invalid when any round of either side failed, whatever its figures', () => {
    const parley = summarize('Parley', [measurement(900)]);
    const baseline = summarize('node-postgres', [measurement(1000, { failures: { ROW_COUNT: 1 } })]);
    const row = makeRow({
      scenario: 'S3',
      title: 'sendMessage',
      engine: 'postgresql',
      unit: 'msg/s',
      parley,
      baseline,
      notes: {},
      goal: (ratio) => ({ text: '>= 0.40', met: ratio !== null && ratio >= 0.4 }),
    });
    expect(row.ratio).toBeCloseTo(0.9);
    expect(row.goal.met).toBe(false);
    expect(row.goal.text).toMatch(/^INVALID \(node-postgres: ROW_COUNT x1\)/);
  });

  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    // Rounds without latencies (S2): NaN in the worker, null once sent through JSON; never a median of 0.
    expect(median([null, null])).toBeNaN();
    expect(median([Number.NaN, Number.NaN])).toBeNaN();
  });
});

describe('bench closed loop', () => {
  it('counts each failed check under its code and only successes as completed', async () => {
    let calls = 0;
    const result = await runClosedLoop(
      {
        clients: 2,
        once: async () => {
          calls += 1;
          await new Promise((resolve) => setTimeout(resolve, 1));
          if (calls % 3 === 0) throw new CheckFailure('WRONG_ANSWER', `call ${calls}`);
          if (calls % 5 === 0) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
        },
        close: async () => {},
      },
      // Long enough for a busy machine to make a few dozen calls of 1 ms.
      { warmupMs: 20, measureMs: 300 },
    );
    const failed = Object.values(result.failures).reduce((sum, count) => sum + count, 0);
    expect(result.failures.WRONG_ANSWER).toBeGreaterThan(0);
    expect(result.completed + failed).toBe(calls);
    expect(result.count).toBeLessThanOrEqual(result.completed);
    expect(result.samples.length).toBeGreaterThan(0);
  });
});
