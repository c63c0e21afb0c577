import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BlockUserDocument,
  ChatDocument,
  MessagesDocument,
  MessagesSinceDocument,
  RemoveChatMemberDocument,
  SendMessageDocument,
  type SendMessageInput,
} from '../../generated/graphql';
import { createGroup, openPrivateChat, sendMessage } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { type GraphQLResponse, startTestServer, type TestServer } from '../../helpers/server';
import { httpGraphQL } from '../../helpers/subscriptions';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';
const prisma = () => server.parley.database.prisma;
const countMessages = (chatId?: string) => prisma().message.count({ where: chatId ? { chatId } : {} });

const send = (author: TestUser, input: SendMessageInput) => server.request(SendMessageDocument, { input }, { token: author.accessToken });
const chatAsSeenBy = async (viewer: TestUser, chatId: string) =>
  (await server.request(ChatDocument, { id: chatId }, { token: viewer.accessToken })).data!.chat!;

function expectError(result: GraphQLResponse<{ sendMessage: unknown }>, code: string, field?: string): void {
  expect(result.data?.sendMessage ?? null).toBeNull();
  expect(result.errors?.[0]?.extensions).toMatchObject({ code, ...(field ? { field } : {}) });
}

/** A private chat of two new users. */
async function privateChat(): Promise<{ alice: TestUser; bob: TestUser; chatId: string }> {
  const [alice, bob] = await Promise.all([signUpUser(server), signUpUser(server)]);
  return { alice, bob, chatId: await openPrivateChat(server, alice, bob) };
}

/** Expects the send to fail with `code` (on `field`) and to leave the chat without a new message. */
async function expectRefused(author: TestUser, input: SendMessageInput, code: string, field?: string): Promise<void> {
  const before = await countMessages();
  expectError(await send(author, input), code, field);
  expect(await countMessages()).toBe(before);
}

const attachment = (index: number) => ({
  url: `https://files.example.com/${index}.png`,
  name: `photo ${index}.png`,
  mimeType: 'image/png',
  sizeBytes: 1000 + index,
});

describe('sendMessage', () => {
  it("numbers a chat's messages 1, 2, 3 and returns the stored fields", async () => {
    const { alice, bob, chatId } = await privateChat();
    const first = await send(alice, { chatId, body: '  hello there \n', clientId: 'c-1' });
    expect(first.errors).toBeUndefined();
    const message = first.data!.sendMessage;
    expect(message).toMatchObject({
      seq: 1,
      body: 'hello there',
      clientId: 'c-1',
      author: { id: alice.id },
      chat: { id: chatId, lastSeq: 1 },
      attachments: [],
      editedAt: null,
      deletedAt: null,
      status: 'SENT',
    });
    expect(Math.abs(new Date(message.createdAt).getTime() - Date.now())).toBeLessThan(60_000);
    expect((await sendMessage(server, bob, chatId)).seq).toBe(2);
    expect((await sendMessage(server, alice, chatId)).seq).toBe(3);
  });

  it("moves the chat's lastSeq and lastActivityAt and the sender's own read and delivered pointers", async () => {
    const { alice, bob, chatId } = await privateChat();
    await sendMessage(server, alice, chatId);
    const message = (await send(bob, { chatId, body: 'second' })).data!.sendMessage;
    const chat = await chatAsSeenBy(bob, chatId);
    expect(chat.lastSeq).toBe(2);
    expect(chat.lastActivityAt).toBe(message.createdAt);
    expect(chat.viewerMembership).toMatchObject({ lastReadSeq: 2, lastDeliveredSeq: 2 });
    const aliceMember = chat.members.find((member) => member.user.id === alice.id);
    expect(aliceMember).toMatchObject({ lastReadSeq: 1, lastDeliveredSeq: 1 });
  });
});

describe('sendMessage body', () => {
  it.each([
    ['empty', ''],
    ['whitespace only', '  \n\t  '],
    ['missing', undefined],
  ])('refuses a %s body without attachments and stores nothing', async (_, body) => {
    const { alice, chatId } = await privateChat();
    await expectRefused(alice, { chatId, ...(body === undefined ? {} : { body }) }, 'BAD_USER_INPUT', 'body');
  });

  it('accepts exactly 4000 characters and refuses 4001', async () => {
    const { alice, chatId } = await privateChat();
    const accepted = await send(alice, { chatId, body: 'x'.repeat(4000) });
    expect(accepted.data?.sendMessage.body).toHaveLength(4000);
    await expectRefused(alice, { chatId, body: 'x'.repeat(4001) }, 'BAD_USER_INPUT', 'body');
  });

  it('accepts 4000 characters padded with spaces and stores them trimmed', async () => {
    const { alice, chatId } = await privateChat();
    const body = `y${'z'.repeat(3998)}y`;
    const result = await send(alice, { chatId, body: `   ${body}   ` });
    expect(result.errors).toBeUndefined();
    const stored = await prisma().message.findUniqueOrThrow({ where: { id: result.data!.sendMessage.id } });
    expect(stored.body).toBe(body);
  });
});

describe('sendMessage attachments', () => {
  it('accepts a message with only attachments, body null, keeping their order and fields', async () => {
    const { alice, chatId } = await privateChat();
    const attachments = [attachment(3), { url: 'http://localhost:8080/a', name: null, mimeType: null, sizeBytes: null }, attachment(1)];
    const result = await send(alice, { chatId, attachments });
    expect(result.errors).toBeUndefined();
    expect(result.data!.sendMessage).toMatchObject({ body: null, attachments });
  });

  it('come back with history pages and catch-up pages, on their own messages and in their order', async () => {
    const { alice, bob, chatId } = await privateChat();
    const first = [attachment(3), { url: 'http://localhost:8080/a', name: null, mimeType: null, sizeBytes: null }, attachment(1)];
    const third = [attachment(7)];
    for (const input of [{ attachments: first }, { body: 'no files' }, { body: 'one file', attachments: third }]) {
      expect((await send(alice, { chatId, ...input })).errors).toBeUndefined();
    }
    const selection = '{ nodes { seq attachments { url name mimeType sizeBytes } } }';
    const query = `query ($chatId: ID!) { messages(chatId: $chatId, last: 10) ${selection} messagesSince(chatId: $chatId, afterSeq: 0) ${selection} }`;
    const result = await httpGraphQL<{ messages: { nodes: unknown[] }; messagesSince: { nodes: unknown[] } }>(server, bob.accessToken, query, { chatId });
    expect(result.errors).toBeUndefined();
    const expected = [
      { seq: 1, attachments: first },
      { seq: 2, attachments: [] },
      { seq: 3, attachments: third },
    ];
    expect(result.data!.messages.nodes).toEqual(expected);
    expect(result.data!.messagesSince.nodes).toEqual(expected);
  });

  it.each([
    ['a javascript: URL', 'javascript:alert(1)'],
    ['an ftp: URL', 'ftp://files.example.com/a.png'],
    ['a relative URL', '/uploads/a.png'],
  ])('refuses %s, naming the url field, and stores nothing', async (_, url) => {
    const { alice, chatId } = await privateChat();
    const before = await countMessages();
    const result = await send(alice, { chatId, body: 'see attached', attachments: [attachment(1), { url }] });
    expectError(result, 'BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions.field).toMatch(/(^|\.)url$/);
    expect(await countMessages()).toBe(before);
  });

  it('accepts 10 attachments and refuses 11', async () => {
    const { alice, chatId } = await privateChat();
    const ten = Array.from({ length: 10 }, (_, index) => attachment(index));
    expect((await send(alice, { chatId, attachments: ten })).data?.sendMessage.attachments).toHaveLength(10);
    await expectRefused(alice, { chatId, attachments: [...ten, attachment(10)] }, 'BAD_USER_INPUT', 'attachments');
  });

  it('refuses a negative sizeBytes', async () => {
    const { alice, chatId } = await privateChat();
    const before = await countMessages();
    const result = await send(alice, { chatId, attachments: [{ ...attachment(1), sizeBytes: -1 }] });
    expectError(result, 'BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions.field).toMatch(/(^|\.)sizeBytes$/);
    expect(await countMessages()).toBe(before);
  });
});

describe('sendMessage clientId', () => {
  it('returns the same message for the same author and clientId, even with another body, storing nothing new', async () => {
    const { alice, chatId } = await privateChat();
    const first = (await send(alice, { chatId, body: 'once', clientId: 'same-key' })).data!.sendMessage;
    const before = await countMessages(chatId);
    const again = (await send(alice, { chatId, body: 'once', clientId: 'same-key' })).data!.sendMessage;
    const changed = (await send(alice, { chatId, body: 'a different body', clientId: 'same-key' })).data!.sendMessage;
    for (const resent of [again, changed]) expect(resent).toMatchObject({ id: first.id, seq: first.seq, body: 'once' });
    expect(await countMessages(chatId)).toBe(before);
    expect((await chatAsSeenBy(alice, chatId)).lastSeq).toBe(1);
  });

  it('keeps the same clientId of two different authors apart', async () => {
    const { alice, bob, chatId } = await privateChat();
    const fromAlice = await sendMessage(server, alice, chatId, { clientId: 'shared' });
    const fromBob = await sendMessage(server, bob, chatId, { clientId: 'shared' });
    expect(fromBob.id).not.toBe(fromAlice.id);
    expect([fromAlice.seq, fromBob.seq]).toEqual([1, 2]);
    expect(await countMessages(chatId)).toBe(2);
  });

  it('stores one message for 10 concurrent sends with one clientId, and keeps seqs gap-free', async () => {
    const { alice, chatId } = await privateChat();
    await sendMessage(server, alice, chatId);
    const results = await Promise.all(Array.from({ length: 10 }, () => send(alice, { chatId, body: 'racing', clientId: 'race' })));
    for (const result of results) expect(result.errors).toBeUndefined();
    const stored = await prisma().message.findMany({ where: { chatId, clientId: 'race' } });
    expect(stored).toHaveLength(1);
    expect(results.map((result) => result.data?.sendMessage.id)).toEqual(Array(10).fill(stored[0]!.id));
    expect(stored[0]!.seq).toBe(2);
    expect((await sendMessage(server, alice, chatId)).seq).toBe(3);
    expect((await chatAsSeenBy(alice, chatId)).lastSeq).toBe(3);
  });

  it.each([
    ['65 characters', 'k'.repeat(65)],
    ['empty', ''],
  ])('refuses a clientId of %s', async (_, clientId) => {
    const { alice, chatId } = await privateChat();
    await expectRefused(alice, { chatId, body: 'hi', clientId }, 'BAD_USER_INPUT', 'clientId');
  });

  it('accepts a clientId of 64 characters', async () => {
    const { alice, chatId } = await privateChat();
    const result = await send(alice, { chatId, body: 'hi', clientId: 'k'.repeat(64) });
    expect(result.data?.sendMessage.clientId).toBe('k'.repeat(64));
  });

  it('refuses a clientId the author already used in another chat with CONFLICT', async () => {
    const { alice, chatId } = await privateChat();
    const carol = await signUpUser(server);
    const otherChat = await openPrivateChat(server, alice, carol);
    await sendMessage(server, alice, chatId, { clientId: 'used-elsewhere' });
    await expectRefused(alice, { chatId: otherChat, body: 'hi', clientId: 'used-elsewhere' }, 'CONFLICT', 'clientId');
    expect(await countMessages(otherChat)).toBe(0);
  });
});

describe('sendMessage under concurrency', () => {
  it('gives 60 concurrent messages from 20 senders the seqs 1..60 exactly', async () => {
    const [owner, ...others] = await Promise.all(Array.from({ length: 20 }, () => signUpUser(server)));
    const chatId = await createGroup(server, owner!, others);
    const senders = [owner!, ...others];
    const results = await Promise.all(
      senders.flatMap((sender, index) => [1, 2, 3].map((n) => send(sender, { chatId, body: `from ${index} #${n}` }))),
    );
    for (const result of results) expect(result.errors).toBeUndefined();
    const seqs = (await prisma().message.findMany({ where: { chatId }, select: { seq: true }, orderBy: { seq: 'asc' } })).map(
      (row) => row.seq,
    );
    const oneToSixty = Array.from({ length: 60 }, (_, index) => index + 1);
    expect(seqs).toEqual(oneToSixty);
    expect(results.map((result) => result.data!.sendMessage.seq).sort((a, b) => a - b)).toEqual(oneToSixty);
    const since = await server.request(MessagesSinceDocument, { chatId, afterSeq: 0, first: 100 }, { token: owner!.accessToken });
    expect(since.data!.messagesSince.edges.map((edge) => edge.node.seq)).toEqual(oneToSixty);
    expect((await chatAsSeenBy(owner!, chatId)).lastSeq).toBe(60);
  });
});

describe('sendMessage access', () => {
  it('refuses a chat the sender is not in, and an unknown chat, as NOT_FOUND, storing nothing', async () => {
    const { chatId } = await privateChat();
    const stranger = await signUpUser(server);
    await expectRefused(stranger, { chatId, body: 'let me in' }, 'NOT_FOUND');
    await expectRefused(stranger, { chatId: UNKNOWN_ID, body: 'anyone?' }, 'NOT_FOUND');
    expect((await prisma().chat.findUniqueOrThrow({ where: { id: chatId } })).lastSeq).toBe(0);
  });

  it('refuses a user removed from a group as NOT_FOUND', async () => {
    const [owner, member] = await Promise.all([signUpUser(server), signUpUser(server)]);
    const chatId = await createGroup(server, owner, [member]);
    await sendMessage(server, member, chatId);
    const removed = await server.request(RemoveChatMemberDocument, { chatId, userId: member.id }, { token: owner.accessToken });
    expect(removed.errors).toBeUndefined();
    await expectRefused(member, { chatId, body: 'still here?' }, 'NOT_FOUND');
    expect(await countMessages(chatId)).toBe(1);
  });

  // PGlite runs one statement at a time: nothing can wait on a lock there.
  it.skipIf(!process.env.TEST_DATABASE_URL)('refuses a send that waited on the chat while its author was being removed, taking no seq', async () => {
    const [owner, member] = await Promise.all([signUpUser(server), signUpUser(server)]);
    const chatId = await createGroup(server, owner, [member]);
    await sendMessage(server, member, chatId, { body: 'before' });
    let sent: Promise<GraphQLResponse<{ sendMessage: unknown }>> | undefined;
    // A removal as the service makes it: the chat's row lock first, then the membership goes.
    await prisma().$transaction(async (tx) => {
      await tx.$executeRaw`SELECT 1 FROM "Chat" WHERE "id" = ${chatId} FOR UPDATE`;
      await tx.chatMember.delete({ where: { chatId_userId: { chatId, userId: member.id } } });
      sent = send(member, { chatId, body: 'sent while being removed' });
      // Commit only once the send is waiting on the chat's row lock.
      for (let waiting = 0; waiting === 0; ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const [row] = await prisma().$queryRaw<{ waiting: number }[]>`
          SELECT count(*)::int AS "waiting" FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%WITH earlier AS%'`;
        waiting = row!.waiting;
      }
    });
    expectError(await sent!, 'NOT_FOUND');
    expect(await countMessages(chatId)).toBe(1);
    expect((await prisma().chat.findUniqueOrThrow({ where: { id: chatId } })).lastSeq).toBe(1);
  });

  it('refuses messages to a user who blocked the sender, while the blocker can still write and both can read', async () => {
    const { alice, bob, chatId } = await privateChat();
    await sendMessage(server, alice, chatId, { body: 'before the block' });
    const blocked = await server.request(BlockUserDocument, { userId: alice.id }, { token: bob.accessToken });
    expect(blocked.errors).toBeUndefined();
    await expectRefused(alice, { chatId, body: 'after the block' }, 'FORBIDDEN');
    expect((await sendMessage(server, bob, chatId, { body: 'from the blocker' })).seq).toBe(2);
    for (const reader of [alice, bob]) {
      const history = await server.request(MessagesDocument, { chatId }, { token: reader.accessToken });
      expect(history.errors).toBeUndefined();
      expect(history.data!.messages.edges.map((edge) => [edge.node.seq, edge.node.body])).toEqual([
        [1, 'before the block'],
        [2, 'from the blocker'],
      ]);
    }
  });
});
