import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeDocument, SendMessageDocument, UpdateProfileDocument, UsersDocument } from '../../generated/graphql';
import { openPrivateChat } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { postGraphQL, startTestServer, type TestServer } from '../../helpers/server';
import { signedInClient, within } from '../../helpers/subscriptions';
import { wsExecute } from '../../helpers/ws';

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let chatId: string;
beforeAll(async () => {
  server = await startTestServer();
  [alice, bob] = await Promise.all([signUpUser(server, { displayName: 'Alice' }), signUpUser(server)]);
  chatId = await openPrivateChat(server, alice, bob);
});
afterAll(() => server.close());

const prisma = () => server.parley.database.prisma;
const countMessages = () => prisma().message.count();
/** What updateProfile may change (lastSeenAt moves with the sockets these tests open). */
const storedProfile = async () => {
  const { displayName, bio, avatarUrl } = (await server.request(MeDocument, {}, { token: alice.accessToken })).data!.me;
  return { displayName, bio, avatarUrl };
};

const SEND = 'mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id body } }';
const UPDATE = 'mutation Update($input: UpdateProfileInput!) { updateProfile(input: $input) { id displayName } }';
const SEARCH = 'query Search($search: String) { users(search: $search) { nodes { id } } }';

/** The rows of issue 8: an operation, its variables, the field that must be named, and how to see that nothing changed. */
const rows: [label: string, query: string, variables: () => Record<string, unknown>, field: string][] = [
  ['sendMessage with a NUL in its body', SEND, () => ({ input: { chatId, body: 'a\u0000b' } }), 'body'],
  ['updateProfile with a NUL in displayName', UPDATE, () => ({ input: { displayName: 'x\u0000y' } }), 'displayName'],
  ['users with a NUL in search', SEARCH, () => ({ search: 'a\u0000' }), 'search'],
  ['sendMessage with a NUL in clientId', SEND, () => ({ input: { chatId, body: 'hello', clientId: 'c\u0000' } }), 'clientId'],
  ['sendMessage with a lone surrogate in its body', SEND, () => ({ input: { chatId, body: 'x\uD800y' } }), 'body'],
  ['updateProfile with a right-to-left override in displayName', UPDATE, () => ({ input: { displayName: 'abc\u202Egnp.exe' } }), 'displayName'],
];

/** Runs `attempt` and checks that no message was stored and the profile did not change. */
async function expectNothingStored(attempt: () => Promise<void>): Promise<void> {
  const [messagesBefore, profileBefore] = await Promise.all([countMessages(), storedProfile()]);
  await attempt();
  expect(await countMessages()).toBe(messagesBefore);
  expect(await storedProfile()).toEqual(profileBefore);
}

describe('strings no input may carry', () => {
  it.each(rows)('refuses %s over HTTP, naming the field, and stores nothing', async (_, query, variables, field) => {
    await expectNothingStored(async () => {
      const result = await postGraphQL(server.url, { query, variables: variables() }, { token: alice.accessToken });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(result.errors?.[0]?.message).toContain(field);
      expect(result.data ?? null).toBeNull();
    });
  });

  it.each(rows)('refuses %s over the socket, naming the field, and stores nothing', async (_, query, variables, field) => {
    const client = signedInClient(server, alice.accessToken, { allowQueriesAndMutations: true });
    try {
      await expectNothingStored(async () => {
        const result = await within(wsExecute(client, query, variables()), 5_000, 'an answer over the socket');
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
        expect(result.data ?? null).toBeNull();
      });
    } finally {
      await client.dispose();
    }
  });

  it.each([
    ['sendMessage', `mutation { sendMessage(input: { chatId: "CHAT", body: "a\\u0000b" }) { id } }`, 'body'],
    ['updateProfile', 'mutation { updateProfile(input: { displayName: "x\\u0000y" }) { id } }', 'displayName'],
    ['users', '{ users(search: "a\\u0000") { nodes { id } } }', 'search'],
    ['a fragment', '{ ...F } fragment F on Query { users(search: """a\u0000""") { nodes { id } } }', 'search'],
    ['a default value', 'query Q($search: String = "a\\u0000") { users(search: $search) { nodes { id } } }', 'search'],
    ['a list', `mutation { addChatMembers(chatId: "CHAT", userIds: ["BOB", "u\\u0000"]) { id } }`, 'userIds.1'],
  ])('refuses a NUL written into the document (%s)', async (_, query, field) => {
    await expectNothingStored(async () => {
      const result = await postGraphQL(server.url, { query: query.replace('CHAT', chatId).replace('BOB', bob.id) }, { token: alice.accessToken });
      expect(result.status).toBe(400);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    });
  });

  it('refuses a lone surrogate written into the document (the parser does)', async () => {
    const result = await postGraphQL(server.url, { query: '{ users(search: "x\\uD800") { nodes { id } } }' }, { token: alice.accessToken });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('names the path inside the input: an attachment url, and an argument used as a variable of another name', async () => {
    const attachment = await server.request(
      SendMessageDocument,
      { input: { chatId, attachments: [{ url: 'https://files.example.com/ok.png' }, { url: 'https://files.example.com/\u0000.png' }] } },
      { token: alice.accessToken },
    );
    expect(attachment.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attachments.1.url' });
    const renamed = await postGraphQL(server.url, { query: 'query Q($text: String) { users(search: $text) { nodes { id } } }', variables: { text: '\u0000' } }, { token: alice.accessToken });
    expect(renamed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'search' });
  });

  it('refuses variables nested deeper than any input, without walking them all', async () => {
    const depth = 5_000;
    const query = JSON.stringify('mutation M($ids: [ID!]!) { addChatMembers(chatId: "x", userIds: $ids) { id } }');
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.accessToken}` },
      body: `{"query":${query},"variables":{"ids":${'['.repeat(depth)}"x"${']'.repeat(depth)}}}`,
    });
    const result = (await response.json()) as { errors?: { message: string; extensions: Record<string, unknown> }[] };
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: `userIds${'.0'.repeat(32)}` });
    expect(result.errors?.[0]?.message).toMatch(/nest more than 32 levels/);
  });

  it('refuses a subscription whose arguments carry a NUL', async () => {
    const client = signedInClient(server, alice.accessToken);
    try {
      const result = await within(wsExecute(client, 'subscription S($chatId: ID) { messageAdded(chatId: $chatId) { id } }', { chatId: 'c\u0000' }), 5_000, 'an answer');
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'chatId' });
    } finally {
      await client.dispose();
    }
  });

  it('closes a socket whose connectionParams carry a NUL or a lone surrogate with 4400 (no retry), naming the key', async () => {
    for (const params of [{ authorization: `Bearer ${alice.accessToken}\u0000` }, { device: { name: 'x\uDC00' } }]) {
      const client = signedInClient(server, alice.accessToken, params);
      const closed = await within(client.closed, 5_000, 'the server to close the socket');
      expect(closed.code).toBe(4400);
      expect(closed.reason).toMatch(/^connectionParams\.(authorization|device\.name) /);
      await client.dispose();
    }
  });
});

describe('cursors made up by a client', () => {
  const cursor = (keys: unknown[]) => Buffer.from(JSON.stringify(keys)).toString('base64url');

  it.each([
    ['a NUL inside a users cursor', '{ users(after: "CURSOR") { nodes { id } } }', cursor(['a\u0000']), 'after'],
    ['a lone surrogate inside a users cursor', '{ users(after: "CURSOR") { nodes { id } } }', cursor(['\uD800']), 'after'],
    ['a time no Date can hold in a chats cursor', '{ chats(after: "CURSOR") { nodes { id } } }', cursor([8.64e15 + 1, 0, 'x']), 'after'],
    ['a year PostgreSQL cannot store in a chats cursor', '{ chats(after: "CURSOR") { nodes { id } } }', cursor([Date.UTC(20000, 0), 0, 'x']), 'after'],
  ])('refuses %s as BAD_USER_INPUT', async (_, query, made, field) => {
    const result = await postGraphQL(server.url, { query: query.replace('CURSOR', made) }, { token: alice.accessToken });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});

describe('message bodies', () => {
  it('keep what people write: right-to-left text, direction marks, emoji with joiners and skin tones, flags', async () => {
    const body = 'שלום עליכם \u202Eabc\u202C مرحبا 👩🏽‍💻 👨‍👩‍👧 🏴󠁧󠁢󠁳󠁣󠁴󠁿 e\u0301 \u200B';
    const result = await server.request(SendMessageDocument, { input: { chatId, body } }, { token: alice.accessToken });
    expect(result.errors).toBeUndefined();
    expect(result.data?.sendMessage.body).toBe(body);
    const stored = await prisma().message.findUniqueOrThrow({ where: { id: result.data!.sendMessage.id }, select: { body: true } });
    expect(stored.body).toBe(body);
  });
});

describe('names', () => {
  it.each([
    ['a right-to-left override', 'abc\u202Egnp.exe', 'U+202E'],
    ['a first-strong isolate', 'ok\u2068name', 'U+2068'],
    ['a right-to-left mark', 'x\u200F', 'U+200F'],
    ['a zero-width space', 'ad\u200Bmin', 'U+200B'],
    ['a Hangul filler', '\u3164', 'U+3164'],
    ['a blank Braille pattern', '\u2800\u2800', 'U+2800'],
    ['a line break', 'two\nlines', 'U+000A'],
    ['a lone joiner', '\u200D', 'U+200D'],
  ])('refuses %s in a display name with a clear message, leaving the name as it was', async (_, displayName, codePoint) => {
    await expectNothingStored(async () => {
      const result = await server.request(UpdateProfileDocument, { input: { displayName } }, { token: alice.accessToken });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'displayName' });
      expect(result.errors?.[0]?.message).toContain(codePoint);
    });
  });

  it('refuses direction controls in a display name at sign-up, and in group names when created or renamed', async () => {
    const signUp = await postGraphQL(server.url, {
      query: 'mutation S($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
      variables: { input: { username: 'spoofer1', email: 'spoofer1@example.com', password: 'correct horse battery staple', displayName: 'abc\u202Egnp.exe' } },
    });
    expect(signUp.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'displayName' });
    expect(await prisma().user.count({ where: { usernameKey: 'spoofer1' } })).toBe(0);

    const created = await postGraphQL(
      server.url,
      { query: 'mutation C($input: CreateGroupChatInput!) { createGroupChat(input: $input) { id } }', variables: { input: { name: 'team\u2066', memberIds: [bob.id] } } },
      { token: alice.accessToken },
    );
    expect(created.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });

    const group = await postGraphQL<{ createGroupChat: { id: string } }>(
      server.url,
      { query: 'mutation C($input: CreateGroupChatInput!) { createGroupChat(input: $input) { id } }', variables: { input: { name: 'Team', memberIds: [bob.id] } } },
      { token: alice.accessToken },
    );
    const groupId = group.data!.createGroupChat.id;
    const renamed = await postGraphQL(
      server.url,
      { query: 'mutation R($chatId: ID!, $name: String!) { renameChat(chatId: $chatId, name: $name) { name } }', variables: { chatId: groupId, name: 'Team\u202E' } },
      { token: alice.accessToken },
    );
    expect(renamed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect((await prisma().chat.findUniqueOrThrow({ where: { id: groupId }, select: { name: true } })).name).toBe('Team');
  });

  it('stores names in NFC and keeps emoji sequences, Persian non-joiners and scripts written right to left', async () => {
    for (const [given, stored] of [
      ['Jose\u0301', 'Jos\u00e9'],
      ['Anna 👩🏽‍💻', 'Anna 👩🏽‍💻'],
      ['❤️ 🏳️‍⚧️ 🏴󠁧󠁢󠁷󠁬󠁳󠁿', '❤️ 🏳️‍⚧️ 🏴󠁧󠁢󠁷󠁬󠁳󠁿'],
      ['می\u200Cخواهم', 'می\u200Cخواهم'],
      ['  דוד  ', 'דוד'],
    ]) {
      const result = await server.request(UpdateProfileDocument, { input: { displayName: given } }, { token: alice.accessToken });
      expect(result.errors).toBeUndefined();
      expect(result.data?.updateProfile.displayName).toBe(stored);
    }
    const group = await postGraphQL<{ createGroupChat: { name: string } }>(
      server.url,
      { query: 'mutation C($input: CreateGroupChatInput!) { createGroupChat(input: $input) { name } }', variables: { input: { name: 'Cafe\u0301 ☕', memberIds: [bob.id] } } },
      { token: alice.accessToken },
    );
    expect(group.data?.createGroupChat.name).toBe('Caf\u00e9 ☕');
    const found = await server.request(UsersDocument, { search: 'דוד' }, { token: bob.accessToken });
    expect(found.data?.users.nodes.map((user) => user.id)).toContain(alice.id);
  });
});
