import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, startTestServer, type TestServer } from '../../helpers/server';
import { signUpUser, type TestUser } from '../../helpers/factories';

let server: TestServer;
let user: TestUser;
let origin: string;
beforeAll(async () => {
  server = await startTestServer();
  user = await signUpUser(server);
  origin = new URL(server.url).origin;
});
afterAll(() => server.close());

describe('the HTTP server', () => {
  it('answers /healthz while the process is up', async () => {
    const response = await fetch(`${origin}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz when the database is reachable', async () => {
    const response = await fetch(`${origin}/readyz`);
    expect(response.status).toBe(200);
  });

  it('runs queries sent with GET', async () => {
    const url = `${server.url}?query=${encodeURIComponent('{ me { id } }')}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${user.accessToken}`, 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { me: { id: user.id } } });
  });

  it('refuses mutations sent with GET', async () => {
    const query = encodeURIComponent('mutation { logOutEverywhere }');
    const response = await fetch(`${server.url}?query=${query}`, {
      headers: { authorization: `Bearer ${user.accessToken}`, 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(405);
    const sessions = await postGraphQL<{ sessions: unknown[] }>(server.url, { query: '{ sessions { id } }' }, { token: user.accessToken });
    expect(sessions.data?.sessions).toHaveLength(1);
  });

  it('refuses simple GET requests that could be cross-site forgeries', async () => {
    const response = await fetch(`${server.url}?query=${encodeURIComponent('{ me { id } }')}`);
    expect(response.status).toBe(400);
  });

  it('refuses request bodies over 100 KiB with 413', async () => {
    const query = `{ me { id } } # ${'x'.repeat(101 * 1024)}`;
    const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    expect(response.status).toBe(413);
  });

  it('refuses batched requests', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}` },
      body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]),
    });
    expect(response.status).toBe(400);
  });

  it('gives every response a request id, keeping a sane one sent by a proxy', async () => {
    const generated = await postGraphQL(server.url, { query: '{ __typename }' });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await postGraphQL(server.url, { query: '{ __typename }' }, { headers: { 'x-request-id': 'lb-1234' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-1234');
    const replaced = await postGraphQL(server.url, { query: '{ __typename }' }, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(replaced.headers.get('x-request-id')).not.toContain(' ');
  });

  it('serves the Apollo Sandbox landing page to browsers outside production', async () => {
    const response = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<html');
  });

  it('reports parse errors as GRAPHQL_PARSE_FAILED with status 400', async () => {
    const result = await postGraphQL(server.url, { query: '{ me { id ' });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('refuses subscriptions, which run over the socket, with 400 BAD_REQUEST', async () => {
    const result = await postGraphQL(server.url, { query: 'subscription { chatUpdated { kind } }' }, { token: user.accessToken });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]).toMatchObject({ message: expect.stringMatching(/WebSocket/), extensions: { code: 'BAD_REQUEST' } });
  });

  it('answers BAD_USER_INPUT when graphql-js gives up on too many bad variable values', async () => {
    const query = 'mutation M($ids: [ID!]!) { addChatMembers(chatId: "x", userIds: $ids) { id } }';
    const result = await postGraphQL(server.url, { query, variables: { ids: Array(60).fill(null) } }, { token: user.accessToken });
    expect(result.errors?.at(-1)?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variables' });
    expect(result.errors?.every((error) => error.extensions.code === 'BAD_USER_INPUT')).toBe(true);
  });

  it('asks for a token on operations that need one', async () => {
    const result = await postGraphQL(server.url, { query: '{ me { id } }' });
    expect(result.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('lets pages of any origin call the API and send files (bearer tokens, never cookies: CORS lends them nothing)', async () => {
    const preflight = await fetch(server.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const upload = await fetch(`${origin}/files/upload/some-id`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
    });
    expect(upload.headers.get('access-control-allow-origin')).toBe('*');
    expect(upload.headers.get('access-control-allow-methods')).toContain('PUT');
    const answer = await fetch(server.url, {
      method: 'POST',
      headers: { origin: 'https://app.example.com', 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });
});

describe('CORS_ORIGINS', () => {
  let narrow: TestServer;
  beforeAll(async () => {
    narrow = await startTestServer({ env: { CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' } });
  });
  afterAll(() => narrow.close());

  const preflight = (from: string) =>
    fetch(narrow.url, { method: 'OPTIONS', headers: { origin: from, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });

  it('allows the origins it names, and no other', async () => {
    expect((await preflight('https://app.example.com')).headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect((await preflight('http://localhost:5173')).headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect((await preflight('https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
  });
});
