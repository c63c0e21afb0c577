import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeDocument, SendMessageDocument, UpdateProfileDocument } from '../../generated/graphql';
import { createGroup, openPrivateChat, sendMessage } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { createPostgresDatabase } from '../../helpers/database';
import { capturedLogger } from '../../helpers/logs';
import { type GraphQLResponse, postGraphQL, startTestServer, type TestServer } from '../../helpers/server';

/**
 * Database errors that a client's input can cause reach the client as contract errors, not as
 * INTERNAL_SERVER_ERROR. The services check what they know of; to force each kind of refusal
 * through the real endpoint, each test adds a constraint of its own to this file's database.
 */
const { logger, lines } = capturedLogger('warn');
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ logger });
});
afterAll(() => server.close());

const ddl = (sql: string) => server.parley.database.prisma.$executeRawUnsafe(sql);
const profileOf = async (user: TestUser) => (await server.request(MeDocument, {}, { token: user.accessToken })).data!.me;

function expectRefused(result: GraphQLResponse<object>, code: string, field: string): void {
  expect(result.errors?.[0]?.extensions).toMatchObject({ code, field });
  expect(result.errors?.[0]?.extensions.code).not.toBe('INTERNAL_SERVER_ERROR');
}

describe('database refusals', () => {
  it('a unique violation no service expects is CONFLICT naming the column, logged as a warning with the request id', async () => {
    await ddl('CREATE UNIQUE INDEX "User_displayName_key" ON "User" ("displayName")');
    const [alice, bob] = await Promise.all([signUpUser(server), signUpUser(server)]);
    await server.request(UpdateProfileDocument, { input: { displayName: 'The only Alice' } }, { token: alice.accessToken });
    const result = await server.request(
      UpdateProfileDocument,
      { input: { displayName: 'The only Alice' } },
      { token: bob.accessToken, headers: { 'x-request-id': 'unique-clash-1' } },
    );
    expectRefused(result, 'CONFLICT', 'displayName');
    expect(result.errors?.[0]?.message).toBe('The value of displayName is already taken.');
    expect((await profileOf(bob)).displayName).toBeNull();

    const warnings = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.reqId === 'unique-clash-1');
    expect(warnings).toContainEqual(expect.objectContaining({ level: 40, msg: 'database refused the client input', sqlState: '23505', field: 'displayName' }));
    // The driver's error quotes rows; the warning carries only the code and the field.
    expect(lines.join('\n')).not.toContain('The only Alice');
  });

  it('a check violation is BAD_USER_INPUT naming the column, and nothing is stored', async () => {
    await ddl(`ALTER TABLE "User" ADD CONSTRAINT "User_bio_check" CHECK ("bio" IS NULL OR "bio" NOT LIKE '%forbidden%')`);
    const user = await signUpUser(server);
    const result = await server.request(UpdateProfileDocument, { input: { bio: 'a forbidden word', displayName: 'Changed' } }, { token: user.accessToken });
    expectRefused(result, 'BAD_USER_INPUT', 'bio');
    expect(await profileOf(user)).toMatchObject({ bio: null, displayName: null });
  });

  it('a value too long for its column is BAD_USER_INPUT', async () => {
    await ddl('ALTER TABLE "User" ALTER COLUMN "avatarUrl" TYPE varchar(40)');
    const user = await signUpUser(server);
    const result = await server.request(UpdateProfileDocument, { input: { avatarUrl: `https://images.example.com/${'a'.repeat(40)}.png` } }, { token: user.accessToken });
    expectRefused(result, 'BAD_USER_INPUT', 'input');
    expect(result.errors?.[0]?.message).toBe('A value is too long.');
    expect((await profileOf(user)).avatarUrl).toBeNull();
  });

  it('a number out of its column\'s range is BAD_USER_INPUT, and the message is not stored', async () => {
    await ddl('ALTER TABLE "Attachment" ALTER COLUMN "sizeBytes" TYPE smallint');
    const [alice, bob] = await Promise.all([signUpUser(server), signUpUser(server)]);
    const chatId = await openPrivateChat(server, alice, bob);
    const result = await server.request(
      SendMessageDocument,
      { input: { chatId, body: 'big file', attachments: [{ url: 'https://files.example.com/big.bin', sizeBytes: 100_000 }] } },
      { token: alice.accessToken },
    );
    expectRefused(result, 'BAD_USER_INPUT', 'input');
    expect(result.errors?.[0]?.message).toBe('A value is out of range.');
    expect(await server.parley.database.prisma.message.count({ where: { chatId } })).toBe(0);
  });

  it('text the database cannot read as the type it needs is BAD_USER_INPUT, and the chat is not created', async () => {
    // Names starting with '#' must be followed by a number: a cast in the check raises 22P02 on anything else.
    await ddl(`ALTER TABLE "Chat" ADD CONSTRAINT "Chat_name_check" CHECK ("name" IS NULL OR left("name", 1) <> '#' OR substr("name", 2)::int > 0)`);
    const [owner, member] = await Promise.all([signUpUser(server), signUpUser(server)]);
    await createGroup(server, owner, [member], '#42');
    const result = await postGraphQL(
      server.url,
      { query: 'mutation C($input: CreateGroupChatInput!) { createGroupChat(input: $input) { id } }', variables: { input: { name: '#general', memberIds: [member.id] } } },
      { token: owner.accessToken },
    );
    expectRefused(result as GraphQLResponse<object>, 'BAD_USER_INPUT', 'input');
    expect(result.errors?.[0]?.message).toBe('A value is not in a valid format.');
    expect(await server.parley.database.prisma.chat.count({ where: { name: '#general' } })).toBe(0);
  });
});

const postgresUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!postgresUrl)('on a LATIN1 database (PostgreSQL only)', () => {
  let latin1: TestServer;
  let alice: TestUser;
  let chatId: string;
  beforeAll(async () => {
    const database = await createPostgresDatabase(postgresUrl!, { encoding: 'LATIN1' });
    const started = await startTestServer({ database });
    latin1 = { ...started, close: async () => { await started.close(); await database.drop(); } };
    const bob = await signUpUser(latin1);
    alice = await signUpUser(latin1);
    chatId = await openPrivateChat(latin1, alice, bob);
  });
  afterAll(() => latin1?.close());

  it('a character the database cannot store is BAD_USER_INPUT, and nothing is stored', async () => {
    await sendMessage(latin1, alice, chatId, { body: 'café' });
    const result = await latin1.request(SendMessageDocument, { input: { chatId, body: 'smile 😀' } }, { token: alice.accessToken });
    expectRefused(result, 'BAD_USER_INPUT', 'input');
    expect(result.errors?.[0]?.message).toBe('A value contains characters that cannot be stored.');
    expect(await latin1.parley.database.prisma.message.count({ where: { chatId } })).toBe(1);
  });
});
