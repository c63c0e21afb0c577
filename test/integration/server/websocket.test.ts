import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeDocument } from '../../generated/graphql';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';
import { wsClient, wsExecute } from '../../helpers/ws';

let server: TestServer;
let user: TestUser;
beforeAll(async () => {
  server = await startTestServer();
  user = await signUpUser(server);
});
afterAll(() => server.close());

describe('graphql-ws on /graphql', () => {
  it('accepts a socket signed in with connectionParams.authorization', async () => {
    const client = wsClient(server.url, { authorization: `Bearer ${user.accessToken}`, allowQueriesAndMutations: true });
    const result = await wsExecute(client, '{ me { id username } }');
    expect(result.data).toEqual({ me: { id: user.id, username: user.username } });
    await client.dispose();
  });

  it.each([['authToken'], ['token']])('accepts a plain token in connectionParams.%s', async (key) => {
    const client = wsClient(server.url, { [key]: user.accessToken, allowQueriesAndMutations: true });
    const result = await wsExecute(client, '{ me { id } }');
    expect(result.data).toEqual({ me: { id: user.id } });
    await client.dispose();
  });

  it('runs only subscriptions unless the client opts in to queries and mutations', async () => {
    const client = wsClient(server.url, { authorization: `Bearer ${user.accessToken}` });
    const query = await wsExecute(client, '{ me { id } }');
    expect(query.errors?.[0]?.message).toMatch(/Only subscriptions run over the socket/);
    const mutation = await wsExecute(client, 'mutation { logOutEverywhere }');
    expect(mutation.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect((await server.request(MeDocument, {}, { token: user.accessToken })).data?.me.id).toBe(user.id);
    await client.dispose();
  });

  it.each([
    ['no token', undefined],
    ['a malformed token', { authorization: 'Bearer nonsense' }],
    ['a token with a forged signature', { authorization: `Bearer ${'x'.repeat(20)}.${'y'.repeat(20)}.${'z'.repeat(20)}` }],
  ])('closes a socket with %s with 4403', async (_, params) => {
    const client = wsClient(server.url, params);
    const closed = await client.closed;
    expect(closed.code).toBe(4403);
    await client.dispose();
  });

  it('closes a socket that never sends connection_init with 4408 after 3 seconds', async () => {
    const { default: WebSocket } = await import('ws');
    const socket = new WebSocket(server.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const started = Date.now();
    const code = await new Promise<number>((resolve) => socket.on('close', (closeCode) => resolve(closeCode)));
    expect(code).toBe(4408);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
  });
});
