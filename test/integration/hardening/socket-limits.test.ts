import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../src/errors/errors';
import { RateLimits } from '../../../src/server/rate-limits';
import { RefreshSessionDocument } from '../../generated/graphql';
import { createGroup } from '../../helpers/chat-factories';
import { signUpUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';
import { pollUntil, signedInClient, within } from '../../helpers/subscriptions';
import { wsClient, wsExecute } from '../../helpers/ws';

let server: TestServer;
let strict: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  strict = await startTestServer({ env: { RATE_LIMIT_SCALE: '1', TRUST_PROXY: 'loopback' } });
});
afterAll(async () => {
  await server.close();
  await strict.close();
});

describe('socket limits', () => {
  it('allow at most 50 open sockets per user', async () => {
    const user = await signUpUser(server);
    const clients = Array.from({ length: 50 }, () => signedInClient(server, user.accessToken));
    // Accepted means registered: the 51st is counted against all 50.
    expect(await Promise.all(clients.map((client) => client.connected))).toEqual(Array(50).fill(true));
    const extra = wsClient(server.url, { authorization: `Bearer ${user.accessToken}` });
    expect(await extra.closed).toMatchObject({ code: 1013, reason: expect.stringMatching(/At most 50 open sockets per user/) });
    await Promise.all([...clients, extra].map((client) => client.dispose()));
  }, 60_000);

  it('refuse with a code graphql-ws clients retry: a standard client gets in once the limit allows', async () => {
    const user = await signUpUser(server);
    const clients = Array.from({ length: 50 }, () => signedInClient(server, user.accessToken));
    expect(await Promise.all(clients.map((client) => client.connected))).toEqual(Array(50).fill(true));
    const closes: number[] = [];
    let connected!: () => void;
    const connectedOnce = new Promise<void>((resolve) => (connected = resolve));
    // As an app would configure it: a few retries, none of them special to Parley.
    const retrying = createClient({
      url: server.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${user.accessToken}` },
      lazy: false,
      retryAttempts: 20,
      retryWait: () => new Promise((resolve) => setTimeout(resolve, 100)),
      onNonLazyError: () => {},
      on: { closed: (event) => closes.push((event as { code: number }).code), connected: () => connected() },
    });
    await pollUntil(async () => closes.length, (count) => count >= 2, 10_000, 'the refused client to try again');
    expect(closes.every((code) => code === 1013)).toBe(true);
    await clients[0]!.dispose();
    await within(connectedOnce, 10_000, 'the retrying client to get in');
    await Promise.all([...clients.slice(1), retrying].map((client) => client.dispose()));
  }, 60_000);

  it('allow at most 100 subscriptions per socket', async () => {
    const user = await signUpUser(server);
    const chatId = await createGroup(server, user, []);
    const client = wsClient(server.url, { authorization: `Bearer ${user.accessToken}` });
    const errors: unknown[] = [];
    for (let index = 0; index < 100; index += 1) {
      client.subscribe({ query: 'subscription ($c: ID) { messageAdded(chatId: $c) { id } }', variables: { c: chatId } }, { next: () => {}, error: (error) => errors.push(error), complete: () => {} });
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const refused = await new Promise<unknown>((resolve) =>
      client.subscribe({ query: 'subscription { presenceChanged { isOnline } }' }, { next: () => {}, error: resolve, complete: () => resolve(null) }),
    );
    expect(JSON.stringify(errors)).toBe('[]');
    expect(JSON.stringify(refused)).toMatch(/At most 100 subscriptions per socket/);
    await client.dispose();
  }, 30_000);

  it('closes a socket that sends a message over 64 KiB with 1009', async () => {
    const user = await signUpUser(server);
    const socket = new WebSocket(server.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    // The server closes while the oversized frame may still be on its way: that write can fail
    // (EPIPE, ECONNRESET) after the close frame arrived. The close code is what this test reads.
    socket.on('error', () => {});
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${user.accessToken}` } }));
    socket.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { query: `{ me { id } } # ${'x'.repeat(70 * 1024)}` } }));
    const code = await new Promise<number>((resolve) => socket.on('close', resolve));
    expect(code).toBe(1009);
  });
});

describe('errors over the socket', () => {
  it('carry the codes they carry over HTTP: parse, validation, variables', async () => {
    const user = await signUpUser(server);
    const client = signedInClient(server, user.accessToken, { allowQueriesAndMutations: true });
    const mutation = 'mutation M($ids: [ID!]!) { addChatMembers(chatId: "x", userIds: $ids) { id } }';
    const [parse, validation, variable, tooMany] = await Promise.all([
      wsExecute(client, '{ me { id '),
      wsExecute(client, '{ me { nope } }'),
      wsExecute(client, 'subscription S($seq: Int) { messageAdded(afterSeq: $seq) { id } }', { seq: 'ten' }),
      wsExecute(client, mutation, { ids: Array(60).fill(null) }),
    ]);
    expect(parse.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_PARSE_FAILED' });
    expect(validation.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(variable.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'seq' });
    expect(tooMany.errors?.at(-1)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variables' });
    await client.dispose();
  });
});

describe('rate limits on sessions and chats', () => {
  it('limit refreshes per session', async () => {
    const user = await signUpUser(strict, {}, { 'x-forwarded-for': '198.51.100.7' });
    let token = user.refreshToken;
    let limited;
    for (let attempt = 0; attempt < 31 && !limited; attempt += 1) {
      const result = await strict.request(RefreshSessionDocument, { refreshToken: token });
      if (result.data) token = result.data.refreshSession.refreshToken;
      else limited = result.errors?.[0]?.extensions;
    }
    expect(limited).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('limit messages per chat, whoever sends them: bursts of 60 on top of 20 per second', async () => {
    // Through the endpoint, the time several hundred sends take refills the allowance; here it does not.
    const limits = new RateLimits(undefined, 1);
    const attempts = await Promise.allSettled(Array.from({ length: 100 }, () => limits.consume('messagesPerChat', 'chat-a')));
    const refused = attempts.filter((attempt) => attempt.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThanOrEqual(20);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(RateLimitedError);
    await expect(limits.consume('messagesPerChat', 'chat-b')).resolves.toBeUndefined();
  });
});
