import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileString, schemaOperations } from '../../helpers/fuzz';
import { hostileQuery, hostileVariables } from '../../helpers/fuzz-documents';
import { firstOutcome, type FuzzTarget, fuzzSeed, heapMiB, reseed, type SocketOutcome, startFuzzTarget, Tally } from '../../helpers/fuzz-run';
import { type SignedInClient, signedInClient, within } from '../../helpers/subscriptions';
import { wsExecute } from '../../helpers/ws';

const HOSTILE_RUNS = 1_000;
/** Operations go out in batches over one socket, as a busy client sends them. */
const BATCH = 8;
const OPERATION_BATCHES = 250;
const CONNECTION_RUNS = 60;
const RESEED_EVERY = 40;
/** How long an accepted subscription may stay quiet before it counts as accepted; later errors still reach the log. */
const QUIET_MS = 100;

let target: FuzzTarget;
let client: SignedInClient | undefined;
beforeAll(async () => {
  target = await startFuzzTarget();
});
afterAll(async () => {
  await client?.dispose();
  await target.server.close();
});

/** The caller's socket, opened again (signed in again if need be) after the server closed it. */
async function socket(): Promise<SignedInClient> {
  if (client && !client.isClosed()) return client;
  await client?.dispose();
  await target.caller.ensureSignedIn();
  client = signedInClient(target.server, target.caller.token, { allowQueriesAndMutations: true });
  await within(client.connected, 5_000, 'the socket to connect');
  return client;
}

function count(tally: Tally, outcome: SocketOutcome, example: () => string, field?: string): void {
  if (outcome.kind === 'answer') tally.answer(outcome.answer, example, field);
  else if (outcome.kind === 'closed') tally.closed(outcome.code, example);
  else tally.subscribed(field);
}

const show = (query: string, variables: unknown) => `${query.slice(0, 300)} ${JSON.stringify(variables ?? null).slice(0, 300)}`;
const asVariables = (value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);

describe('fuzzing over the socket', () => {
  it(`answers ${HOSTILE_RUNS} hostile documents and ${BATCH * OPERATION_BATCHES} generated operations without an internal error, counting codes`, async () => {
    const heapBefore = await heapMiB();
    const seed = fuzzSeed();
    const hostile = new Tally();
    await fc.assert(
      fc.asyncProperty(hostileQuery, hostileVariables, async (query, variables) => {
        const outcome = await firstOutcome(await socket(), query, asVariables(variables), QUIET_MS);
        count(hostile, outcome, () => show(query, variables));
      }),
      { numRuns: HOSTILE_RUNS, seed, includeErrorInReport: true },
    );

    const { fields, operation } = schemaOperations(target.schema, ['query', 'mutation', 'subscription'], target.seeds);
    const operations = new Tally();
    let batches = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        batches += 1;
        if (batches % RESEED_EVERY === 0) await reseed(target.server, target.caller, target.seeds);
        const open = await socket();
        const outcomes = await Promise.all(batch.map((generated) => firstOutcome(open, generated.query, generated.variables, QUIET_MS)));
        for (const [index, outcome] of outcomes.entries()) {
          const generated = batch[index]!;
          count(operations, outcome, () => show(generated.query, generated.variables), `${generated.kind} ${generated.field}`);
          if (outcome.kind === 'answer') await target.caller.follow(generated, outcome.answer);
        }
      }),
      { numRuns: OPERATION_BATCHES, seed, includeErrorInReport: true },
    );

    const params = new Tally();
    // The operations may have ended the caller's session (logOutEverywhere closes the socket before its answer arrives).
    await target.caller.ensureSignedIn();
    await fc.assert(
      fc.asyncProperty(fc.dictionary(hostileString, fc.oneof(hostileString, fc.jsonValue({ maxDepth: 2 })), { maxKeys: 4 }), fc.boolean(), async (extra, signedIn) => {
        const connecting = signedInClient(target.server, signedIn ? target.caller.token : 'nobody', extra);
        const connected = await within(Promise.race([connecting.connected, connecting.closed.then(() => false)]), 5_000, 'the socket to connect or close');
        if (connected) count(params, await firstOutcome(connecting, '{ me { id } }', undefined, 2_000), () => JSON.stringify(extra).slice(0, 300));
        else params.closed((await connecting.closed).code, () => JSON.stringify(extra).slice(0, 300));
        await connecting.dispose();
      }),
      { numRuns: CONNECTION_RUNS, seed, includeErrorInReport: true },
    );

    const normal = await within(wsExecute(await socket(), '{ me { id } }'), 5_000, 'a normal query');
    expect(normal).toEqual({ data: { me: { id: target.caller.user.id } } });
    const heapGrowth = (await heapMiB()) - heapBefore;
    const unreached = fields.filter((field) => !operations.succeeded.has(field));
    console.log(
      [
        `fuzz over the socket (seed ${seed}; FUZZ_SEED=${seed} replays it), heap ${heapGrowth >= 0 ? '+' : ''}${heapGrowth.toFixed(1)} MiB`,
        hostile.format('hostile documents'),
        operations.format('generated operations'),
        params.format('hostile connectionParams'),
        `operations answered without error at least once: ${fields.length - unreached.length} of ${fields.length}${unreached.length ? ` (not: ${unreached.join(', ')})` : ''}`,
      ].join('\n'),
    );
    expect([...hostile.failures, ...operations.failures, ...params.failures]).toEqual([]);
    expect(target.loggedErrors).toEqual([]);
    expect(hostile.documents + operations.documents).toBeGreaterThanOrEqual(2_000);
    expect(fields.length - unreached.length).toBeGreaterThanOrEqual(Math.ceil(fields.length * 0.75));
    expect(heapGrowth).toBeLessThan(50);
  }, 600_000);
});
