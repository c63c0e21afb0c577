import type { Goal, Measurement, Row, ScenarioContext, Summary, Timing } from './types';

/** One side of a comparison: Parley or a baseline; `round` runs one warm-up plus one measured window of `timing`. */
export interface Contender {
  name: string;
  round(index: number, timing: Timing): Promise<Measurement>;
  /**
   * Called after a stretch of this contender's rounds (each round when alternating), with those
   * rounds' measurements (priming included): checks what they stored, and records any difference
   * as failures on them.
   */
  settle?(measurements: Measurement[]): Promise<void>;
}

/** The median of the figures a round has (a scenario without latencies sends none: NaN, or null once it crossed from a worker). */
export function median(values: (number | null)[]): number {
  const sorted = values.filter((value): value is number => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Primes each contender once (a longer warm-up whose figures are dropped: a process just started
 * is slow until its code is compiled and its pools are full, which is not what a scenario
 * measures), then runs `settings.rounds` measured rounds of each. When alternating, each round
 * runs every contender once, in an order that rotates from round to round, so that a noisy moment
 * on this shared machine does not always hit the same side. Without alternation (the embedded
 * engine: its database belongs to one process at a time, and restarting Parley before every
 * round would measure a cold process) each contender runs all its rounds in one stretch.
 * Summaries keep the medians and every round; failures while priming count against the first round.
 */
export async function measureRounds(
  context: ScenarioContext,
  label: string,
  contenders: Contender[],
  unit: string,
  options: { alternate?: boolean } = {},
): Promise<Summary[]> {
  const { primeMs, measureMs, warmupMs, rounds: count } = context.settings;
  const alternate = options.alternate ?? !context.engine.exclusive;
  const schedule: { contender: number; round: number }[] = [];
  contenders.forEach((_, contender) => schedule.push({ contender, round: -1 }));
  for (let round = 0; round < count; round += 1) {
    contenders.forEach((_, turn) => schedule.push({ contender: (round + turn) % contenders.length, round }));
  }
  if (!alternate) schedule.sort((a, b) => a.contender - b.contender || a.round - b.round);

  const primed: Measurement[] = [];
  const rounds = contenders.map(() => [] as Measurement[]);
  let stretch: Measurement[] = [];
  for (const [position, { contender: index, round }] of schedule.entries()) {
    const contender = contenders[index]!;
    const priming = round < 0;
    const measured = await contender.round(round, priming ? { warmupMs: primeMs, measureMs: Math.min(measureMs, 1_000, primeMs / 2) } : { warmupMs, measureMs });
    (priming ? primed : rounds[index]!).push(measured);
    stretch.push(measured);
    if (schedule[position + 1]?.contender !== index) {
      await contender.settle?.(stretch);
      stretch = [];
    }
    context.log(`    ${label} ${priming ? 'priming' : `round ${round + 1}/${count}`} ${contender.name}: ${describe(measured, unit)}`);
  }
  primed.forEach((measurement, index) => mergeFailures(rounds[index]![0]!, measurement));
  return contenders.map((contender, index) => summarize(contender.name, rounds[index]!));
}

function mergeFailures(into: Measurement, from: Measurement): void {
  for (const [code, count] of Object.entries(from.failures)) into.failures[code] = (into.failures[code] ?? 0) + count;
  into.samples.push(...from.samples.map((sample) => `while priming: ${sample}`));
}

export function summarize(name: string, rounds: Measurement[]): Summary {
  const failures: Record<string, number> = {};
  for (const round of rounds) for (const [code, count] of Object.entries(round.failures)) failures[code] = (failures[code] ?? 0) + count;
  return {
    name,
    throughput: median(rounds.map((round) => round.throughput)),
    p50: median(rounds.map((round) => round.p50)),
    p99: median(rounds.map((round) => round.p99)),
    rounds,
    failures,
    samples: rounds.flatMap((round) => round.samples).slice(0, 5),
  };
}

/** Parley over the baseline, round by round (both measured in the same round), then the median. */
export function pairedRatio(parley: Summary, baseline: Summary): number {
  return median(parley.rounds.map((round, index) => round.throughput / baseline.rounds[index]!.throughput));
}

export function describe(measurement: Pick<Measurement, 'throughput' | 'p50' | 'p99' | 'failures'>, unit: string): string {
  const failed = Object.values(measurement.failures).reduce((sum, count) => sum + count, 0);
  const latency = Number.isFinite(measurement.p99) ? `, p50 ${formatMs(measurement.p50)}, p99 ${formatMs(measurement.p99)}` : '';
  const text = `${formatRate(measurement.throughput)} ${unit}${latency}`;
  return failed > 0 ? `${text}, ${failed} FAILED (${Object.entries(measurement.failures).map(([code, count]) => `${code}: ${count}`).join(', ')})` : text;
}

/** Whole numbers, but one decimal under 100 (S2's KiB per socket). */
export const formatRate = (value: number): string => (value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US'));
/** Autocannon (S4) counts latency in whole milliseconds: its 0 means under one. */
export const formatMs = (value: number): string => (value === 0 ? '<1 ms' : `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`);

/**
 * A table row. A row whose Parley or baseline rounds had any failure is invalid: its goal is
 * marked not met whatever the figures say, and the failures are listed.
 */
export function makeRow(
  fields: Omit<Row, 'ratio' | 'goal'> & { goal: (ratio: number | null) => Goal },
): Row {
  const ratio = fields.baseline ? pairedRatio(fields.parley, fields.baseline) : null;
  const goal = fields.goal(ratio);
  const failed = [fields.parley, fields.baseline].filter((summary): summary is Summary => !!summary && Object.keys(summary.failures).length > 0);
  if (failed.length === 0) return { ...fields, ratio, goal };
  const list = failed.map((summary) => `${summary.name}: ${Object.entries(summary.failures).map(([code, count]) => `${code} x${count}`).join(', ')}`);
  return { ...fields, ratio, goal: { text: `INVALID (${list.join('; ')}) ${goal.text}`, met: false } };
}
