import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { postGraphQL, startTestServer, type TestServer } from '../../helpers/server';
import { wsClient, wsExecute } from '../../helpers/ws';

let server: TestServer;
let production: TestServer;
let user: TestUser;
beforeAll(async () => {
  server = await startTestServer();
  user = await signUpUser(server);
  production = await startTestServer({ env: { NODE_ENV: 'production' } });
});
afterAll(async () => {
  await server.close();
  await production.close();
});

/** `{ chats { nodes { lastMessage { chat { lastMessage { ... id } } } } } }`: depth `levels` + 4. */
function nested(levels: number): string {
  const fields = Array.from({ length: levels }, (_, level) => (level % 2 === 0 ? 'chat' : 'lastMessage'));
  return `{ chats { nodes { lastMessage { ${fields.map((field) => `${field} {`).join(' ')} id ${'}'.repeat(levels)} } } } }`;
}

const heaviestScreen = `{
  chats(first: 100) { nodes { id kind name lastActivityAt lastSeq unreadCount
    lastMessage { id seq body createdAt status author { id username displayName avatarUrl } }
    viewerMembership { role lastReadSeq lastDeliveredSeq }
    members { role lastReadSeq lastDeliveredSeq user { id username displayName avatarUrl isOnline } } }
    pageInfo { hasNextPage endCursor } }
  messages(chatId: "any", last: 50) { edges { cursor node { id seq body createdAt editedAt deletedAt status
    attachments { url name mimeType sizeBytes } author { id username displayName } } } pageInfo { hasPreviousPage startCursor } }
}`;

const tooCostly = `{ chats(first: 100) { nodes { messages(first: 100) { nodes { chat { messages(first: 100) { nodes { id } } } } } } } }`;

const cases: [name: string, query: string][] = [
  ['deeper than 10 levels', nested(9)],
  ['more than 15 aliases', `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: me { id }`).join(' ')} }`],
  ['more than 50 directives', `{ me { id ${'@include(if: true) '.repeat(51)} } }`],
  ['more than 2,000 tokens', `{ me { ${'id '.repeat(2_001)} } }`],
  ['first: 100 nested three levels deep', tooCostly],
];

describe('operation limits', () => {
  it('let the heaviest screen of the reference client through', async () => {
    const result = await postGraphQL(server.url, { query: heaviestScreen }, { token: user.accessToken });
    expect(result.errors?.map((error) => error.extensions.code)).toEqual(['NOT_FOUND']);
  });

  it.each(cases)('refuse a document %s over HTTP', async (_, query) => {
    const result = await postGraphQL(server.url, { query }, { token: user.accessToken });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions.code).toMatch(/GRAPHQL_VALIDATION_FAILED|GRAPHQL_PARSE_FAILED|BAD_USER_INPUT/);
    expect(result.data).toBeUndefined();
  });

  it.each(cases)('refuse a document %s over the socket', async (_, query) => {
    const client = wsClient(server.url, { authorization: `Bearer ${user.accessToken}`, allowQueriesAndMutations: true });
    const result = await wsExecute(client, query);
    expect(result.errors?.length).toBeGreaterThan(0);
    expect(result.data ?? null).toBeNull();
    await client.dispose();
  });

  it('allow a document just under each limit', async () => {
    const atDepth = await postGraphQL(server.url, { query: nested(6) }, { token: user.accessToken });
    expect(atDepth.errors).toBeUndefined();
    const aliases = `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    expect((await postGraphQL(server.url, { query: aliases }, { token: user.accessToken })).errors).toBeUndefined();
  });
});

describe('production mode', () => {
  it('turns introspection off', async () => {
    const result = await postGraphQL(production.url, { query: '{ __schema { types { name } } }' });
    expect(result.errors?.[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('suggests no field names and shows no stack traces', async () => {
    const result = await postGraphQL(production.url, { query: '{ mee { id } }' });
    expect(JSON.stringify(result.errors)).not.toMatch(/Did you mean/);
    expect(JSON.stringify(result.errors)).not.toMatch(/stacktrace|at .*\.ts:/);
    const outside = await postGraphQL(server.url, { query: '{ mee { id } }' });
    expect(JSON.stringify(outside.errors)).toMatch(/Did you mean/);
  });

  it('keeps introspection on when GRAPHQL_INTROSPECTION=true', async () => {
    const open = await startTestServer({ env: { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' } });
    try {
      const result = await postGraphQL<{ __schema: unknown }>(open.url, { query: '{ __schema { queryType { name } } }' });
      expect(result.data?.__schema).toEqual({ queryType: { name: 'Query' } });
    } finally {
      await open.close();
    }
  });

  it('does not echo the limits', async () => {
    const deep = await postGraphQL(production.url, { query: nested(12) });
    expect(JSON.stringify(deep.errors)).not.toMatch(/\b10\b/);
    const costly = await postGraphQL(production.url, { query: tooCostly });
    expect(costly.errors?.[0]?.message).toBe('Query is too expensive; ask for smaller pages.');
    const outside = await postGraphQL(server.url, { query: tooCostly });
    expect(outside.errors?.[0]?.message).toMatch(/limit 25000/);
  });
});
