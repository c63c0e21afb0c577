import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzOperation, schemaOperations } from '../../helpers/fuzz';
import { hostileBody } from '../../helpers/fuzz-documents';
import { type FuzzTarget, fuzzSeed, heapMiB, reseed, startFuzzTarget, Tally } from '../../helpers/fuzz-run';

const HOSTILE_RUNS = 2_000;
const OPERATION_RUNS = 4_000;
/** The last operations are sent again as they were: Apollo has their documents cached by then, so memory must stay put. */
const REPLAYED = 1_000;
/** The fuzz deletes, leaves and blocks what it finds: now and then it gets new things to aim at. */
const RESEED_EVERY = 500;

let target: FuzzTarget;
beforeAll(async () => {
  target = await startFuzzTarget();
});
afterAll(() => target.server.close());

async function post(body: string | Buffer, token: string | undefined): Promise<{ status: number; text: string }> {
  const response = await fetch(target.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return { status: response.status, text: await response.text() };
}

const show = (body: string | Buffer) => String(body).slice(0, 400);
const signed = (growth: number) => `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB`;

describe('fuzzing over HTTP', () => {
  it(`answers ${HOSTILE_RUNS} hostile documents and ${OPERATION_RUNS + REPLAYED} generated operations without an internal error, counting codes`, async () => {
    const seed = fuzzSeed();
    const heapBefore = await heapMiB();
    const hostile = new Tally();
    await fc.assert(
      fc.asyncProperty(hostileBody, fc.boolean(), async (body, signedIn) => {
        const { status, text } = await post(body, signedIn ? target.caller.token : undefined);
        hostile.http(status, text, () => show(body));
      }),
      { numRuns: HOSTILE_RUNS, seed, includeErrorInReport: true },
    );
    const hostileGrowth = (await heapMiB()) - heapBefore;

    const { fields, operation } = schemaOperations(target.schema, ['query', 'mutation'], target.seeds);
    const operations = new Tally();
    const recent: { generated: FuzzOperation; body: string; signedIn: boolean }[] = [];
    const send = async (generated: FuzzOperation, body: string, signedIn: boolean) => {
      const { status, text } = await post(body, signedIn ? target.caller.token : undefined);
      operations.http(status, text, () => show(body), `${generated.kind} ${generated.field}`);
      if (!signedIn) return;
      let answer: Parameters<typeof target.caller.follow>[1];
      try {
        answer = JSON.parse(text) as typeof answer;
      } catch {
        answer = undefined;
      }
      await target.caller.follow(generated, answer);
    };
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(operation, fc.nat(9), async (generated, anonymous) => {
        runs += 1;
        if (runs % RESEED_EVERY === 0) await reseed(target.server, target.caller, target.seeds);
        const body = JSON.stringify({ query: generated.query, variables: generated.variables });
        recent.push({ generated, body, signedIn: anonymous !== 0 });
        if (recent.length > REPLAYED) recent.shift();
        await send(generated, body, anonymous !== 0);
      }),
      { numRuns: OPERATION_RUNS, seed, includeErrorInReport: true },
    );
    const heapWarm = await heapMiB();
    for (const { generated, body, signedIn } of recent) await send(generated, body, signedIn);
    const replayGrowth = (await heapMiB()) - heapWarm;

    const normal = await post(JSON.stringify({ query: '{ me { id } }' }), target.caller.token);
    expect(JSON.parse(normal.text)).toEqual({ data: { me: { id: target.caller.user.id } } });
    const unreached = fields.filter((field) => !operations.succeeded.has(field));
    console.log(
      [
        `fuzz over HTTP (seed ${seed}; FUZZ_SEED=${seed} replays it); heap ${signed(hostileGrowth)} over the hostile documents, ` +
          `${signed(replayGrowth)} over the replay; the caller was replaced ${target.caller.replaced} times`,
        hostile.format('hostile documents'),
        operations.format('generated operations'),
        `operations answered without error at least once: ${fields.length - unreached.length} of ${fields.length}${unreached.length ? ` (not: ${unreached.join(', ')})` : ''}`,
      ].join('\n'),
    );
    expect(target.loggedErrors).toEqual([]);
    expect([...hostile.failures, ...operations.failures]).toEqual([]);
    expect(hostile.documents + operations.documents).toBeGreaterThanOrEqual(5_000);
    // Most operations must get past validation into the services, or the fuzz tests only the door.
    expect(fields.length - unreached.length).toBeGreaterThanOrEqual(Math.ceil(fields.length * 0.75));
    expect(hostileGrowth).toBeLessThan(50);
    expect(replayGrowth).toBeLessThan(20);
  }, 600_000);
});
