import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';
import type { Client } from 'graphql-ws';
import { wsClient } from '../../helpers/ws';

const HTTP_RUNS = 5_000;
const SOCKET_RUNS = 2_000;

let server: TestServer;
let user: TestUser;
beforeAll(async () => {
  server = await startTestServer();
  user = await signUpUser(server);
});
afterAll(() => server.close());

const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/);
const knownField = fc.constantFrom('me', 'chats', 'users', 'sessions', 'friendships', '__typename', '__schema', 'chat', 'messages', 'user');

/** Hostile or random GraphQL documents: each a different way to hurt a parser, validator or executor. */
const hostileQuery = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.integer({ min: 1, max: 400 }).map((depth) => `${'{ me { '.repeat(depth)}id${' } }'.repeat(depth)}`),
  fc.integer({ min: 1, max: 600 }).map((count) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: me { id }`).join(' ')} }`),
  fc.integer({ min: 1, max: 90_000 }).map((size) => `{ user(username: "${'x'.repeat(size)}") { id } }`),
  fc.tuple(knownField, fc.array(name, { maxLength: 8 })).map(([field, sub]) => `{ ${field} { ${sub.join(' ') || 'id'} } }`),
  fc.constant('fragment A on Query { ...B } fragment B on Query { ...A } { ...A }'),
  fc.integer({ min: 1, max: 60 }).map((depth) => `{ __schema { types { ${'fields { type { ofType { '.repeat(depth)}name${' } } }'.repeat(depth)} } } }`),
  fc.integer({ min: 1, max: 300 }).map((count) => `{ me { id ${'@include(if: true) '.repeat(count)} } }`),
  fc.constantFrom(
    'mutation { sendMessage(input: { chatId: "x", body: "' + 'y'.repeat(5_000) + '" }) { id } }',
    'subscription { messageAdded { id } }',
    'query Q($a: Int!) { chats(first: $a) { nodes { id } } }',
    '{ chats(first: 100) { nodes { messages(first: 100) { nodes { chat { messages(first: 100) { nodes { id } } } } } } } }',
    '{ users(first: 2147483647, after: "\u0000\uffff") { nodes { id } } }',
    'query { ...on Query { me { id } } }',
    '{ me { id } } { me { id } }',
  ),
);

const variables = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ a: fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer())) }),
);

/** A request body: usually a GraphQL request, sometimes not JSON of the expected shape, or not JSON at all. */
const body = fc.oneof(
  { weight: 6, arbitrary: fc.record({ query: hostileQuery, variables, operationName: fc.option(name, { nil: undefined }) }).map((request) => JSON.stringify(request)) },
  { weight: 1, arbitrary: fc.array(fc.record({ query: hostileQuery }), { minLength: 2, maxLength: 5 }).map((batch) => JSON.stringify(batch)) },
  { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.concat([Buffer.from('{"query":"{ me { '), Buffer.from(bytes), Buffer.from([0xff, 0xfe]), Buffer.from('} }"}')])) },
);

/** The first thing the server answers to an operation (a live subscription may never complete), then unsubscribes. */
function firstResult(client: Client, query: string, variables?: Record<string, unknown>): Promise<'result' | 'error'> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: 'result' | 'error' | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const unsubscribe = client.subscribe(
      { query, variables },
      {
        next: (value) => settle(value.errors ? 'error' : 'result'),
        error: (error) => settle(Array.isArray(error) ? 'error' : error instanceof Error ? error : new Error('socket closed')),
        complete: () => settle('result'),
      },
    );
    // A well-formed subscription answers nothing until an event: its acceptance is all there is to see.
    const timer = setTimeout(() => settle('result'), 250);
  });
}

async function heapMiB(): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 50));
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

describe('hostile input', () => {
  it(`never makes the server fail: ${HTTP_RUNS} HTTP and ${SOCKET_RUNS} socket documents, then a normal query works`, async () => {
    const heapBefore = await heapMiB();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (payload, signedIn) => {
        const response = await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(signedIn ? { authorization: `Bearer ${user.accessToken}` } : {}) },
          body: payload,
        });
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        return response.status < 500;
      }),
      { numRuns: HTTP_RUNS },
    );

    let client = wsClient(server.url, { authorization: `Bearer ${user.accessToken}`, allowQueriesAndMutations: true });
    const socketOutcomes = { results: 0, errors: 0, reconnects: 0 };
    await fc.assert(
      fc.asyncProperty(hostileQuery, variables, async (query, vars) => {
        try {
          const result = await firstResult(client, query, vars && typeof vars === 'object' && !Array.isArray(vars) ? (vars as Record<string, unknown>) : undefined);
          socketOutcomes[result === 'error' ? 'errors' : 'results'] += 1;
        } catch {
          // A message over 64 KiB closes the socket (1009) by design; the client reconnects.
          socketOutcomes.reconnects += 1;
          await client.dispose();
          client = wsClient(server.url, { authorization: `Bearer ${user.accessToken}`, allowQueriesAndMutations: true });
        }
        return true;
      }),
      { numRuns: SOCKET_RUNS },
    );
    await client.dispose();

    const normal = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(await normal.json()).toEqual({ data: { me: { id: user.id } } });
    const heapGrowth = (await heapMiB()) - heapBefore;
    const byClass = [...statuses].map(([status, count]) => `${count}×${status}`).join(', ');
    const serverErrors = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, count]) => sum + count, 0);
    console.log(
      `fuzz: ${HTTP_RUNS} HTTP documents (${byClass}; ${serverErrors} with status 5xx), ${SOCKET_RUNS} socket documents ` +
        `(${socketOutcomes.results} results, ${socketOutcomes.errors} errors, ${socketOutcomes.reconnects} reconnects), heap ${heapGrowth >= 0 ? '+' : ''}${heapGrowth.toFixed(1)} MiB`,
    );
    expect(serverErrors).toBe(0);
    expect(heapGrowth).toBeLessThan(50);
  }, 300_000);
});
