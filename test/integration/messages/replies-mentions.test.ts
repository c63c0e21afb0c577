import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChatMembershipsDocument,
  ConversationHistoryDocument,
  DeleteMessageDocument,
  MarkChatReadDocument,
  PinMessageDocument,
  SendConversationMessageDocument,
  type SendMessageInput,
  UnreadSummaryDocument,
} from '../../generated/graphql';
import { createGroup, openPrivateChat, sendMessage } from '../../helpers/chat-factories';
import { signUpUsers, type TestUser } from '../../helpers/factories';
import { type GraphQLResponse, postGraphQL, startTestServer, type TestServer } from '../../helpers/server';
import { expectRefused } from '../../helpers/expectations';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';
const prisma = () => server.parley.database.prisma;
const users = <TCount extends number>(count: TCount) => signUpUsers(server, count);

const send = (author: TestUser, input: SendMessageInput) => server.request(SendConversationMessageDocument, { input }, { token: author.accessToken });

/** Nothing of a refused send is stored: the chat's messages and mentions are as they were. */
async function expectNothingStored(chatId: string, attempt: () => Promise<GraphQLResponse<object>>, code: string, field: string) {
  const before = await Promise.all([prisma().message.count({ where: { chatId } }), prisma().mention.count({ where: { chatId } })]);
  expectRefused(await attempt(), code, field);
  expect(await Promise.all([prisma().message.count({ where: { chatId } }), prisma().mention.count({ where: { chatId } })])).toEqual(before);
  expect((await prisma().chat.findUniqueOrThrow({ where: { id: chatId } })).lastSeq).toBe(before[0]);
}

describe('replies', () => {
  it('answer a message of the same chat, which the reply and the history show with its author', async () => {
    const [ana, ben] = await users(2);
    const chatId = await openPrivateChat(server, ana, ben);
    const original = await sendMessage(server, ana, chatId, { body: 'Lunch at noon?' });
    const reply = await send(ben, { chatId, body: 'Yes!', replyToId: original.id });
    expect(reply.errors).toBeUndefined();
    expect(reply.data!.sendMessage.replyTo).toEqual({ id: original.id, seq: 1, body: 'Lunch at noon?', deletedAt: null, author: { id: ana.id, email: null } });
    const history = await server.request(ConversationHistoryDocument, { chatId }, { token: ana.accessToken });
    const [first, second] = history.data!.messages.edges.map((edge) => edge.node);
    expect(first!.replyTo).toBeNull();
    // Ana's own email, as she sees herself.
    expect(second!.replyTo).toMatchObject({ id: original.id, author: { id: ana.id, email: ana.email } });
  });

  it('stay resolvable after the original is deleted, its body then null', async () => {
    const [ana, ben] = await users(2);
    const chatId = await openPrivateChat(server, ana, ben);
    const original = await sendMessage(server, ana, chatId, { body: 'oops' });
    await send(ben, { chatId, body: 'What?', replyToId: original.id });
    await server.request(DeleteMessageDocument, { messageId: original.id }, { token: ana.accessToken });
    const history = await server.request(ConversationHistoryDocument, { chatId }, { token: ben.accessToken });
    const reply = history.data!.messages.edges.at(-1)!.node;
    expect(reply.replyTo).toMatchObject({ id: original.id, body: null });
    expect(reply.replyTo!.deletedAt).not.toBeNull();
  });

  it("refuse another chat's message, a deleted one and an unknown id as BAD_USER_INPUT, storing nothing", async () => {
    const [ana, ben, cat] = await users(3);
    const chatId = await openPrivateChat(server, ana, ben);
    const elsewhere = await sendMessage(server, ana, await openPrivateChat(server, ana, cat), { body: 'elsewhere' });
    const deleted = await sendMessage(server, ana, chatId, { body: 'gone' });
    await server.request(DeleteMessageDocument, { messageId: deleted.id }, { token: ana.accessToken });
    for (const replyToId of [elsewhere.id, deleted.id, UNKNOWN_ID, 'not-an-id']) {
      await expectNothingStored(chatId, () => send(ben, { chatId, body: 'answer', replyToId }), 'BAD_USER_INPUT', 'replyToId');
    }
  });
});

describe('mentions', () => {
  it('name members in the order given, once each, and count in their unreadMentionCount until they read past them', async () => {
    const [owner, ana, ben] = await users(3);
    const chatId = await createGroup(server, owner, [ana, ben]);
    const sent = await send(owner, { chatId, body: '@ben @ana look', mentionUserIds: [ben.id, ana.id, ben.id] });
    expect(sent.errors).toBeUndefined();
    expect(sent.data!.sendMessage.mentions.map((user) => user.id)).toEqual([ben.id, ana.id]);
    expect(sent.data!.sendMessage.mentions.every((user) => user.email === null)).toBe(true);
    await sendMessage(server, owner, chatId, { body: 'and @ana again', mentionUserIds: [ana.id] });
    await sendMessage(server, owner, chatId, { body: 'no mention' });
    const counts = async (user: TestUser) => (await server.request(ChatMembershipsDocument, { chatId }, { token: user.accessToken })).data!.chat!;
    expect(await counts(ana)).toMatchObject({ unreadCount: 3, unreadMentionCount: 2 });
    expect(await counts(ben)).toMatchObject({ unreadCount: 3, unreadMentionCount: 1 });
    expect(await counts(owner)).toMatchObject({ unreadCount: 0, unreadMentionCount: 0 });
    await server.request(MarkChatReadDocument, { chatId, upToSeq: 1 }, { token: ana.accessToken });
    expect(await counts(ana)).toMatchObject({ unreadCount: 2, unreadMentionCount: 1 });
    // The history shows them; a mention of the viewer carries the viewer's own email.
    const history = await server.request(ConversationHistoryDocument, { chatId }, { token: ana.accessToken });
    expect(history.data!.messages.edges[0]!.node.mentions).toEqual([
      { id: ben.id, username: ben.username, email: null },
      { id: ana.id, username: ana.username, email: ana.email },
    ]);
  });

  it('of a deleted message no longer count', async () => {
    const [owner, ana] = await users(2);
    const chatId = await createGroup(server, owner, [ana]);
    const message = await sendMessage(server, owner, chatId, { body: '@ana', mentionUserIds: [ana.id] });
    await server.request(DeleteMessageDocument, { messageId: message.id }, { token: owner.accessToken });
    const chat = (await server.request(ChatMembershipsDocument, { chatId }, { token: ana.accessToken })).data!.chat!;
    expect(chat.unreadMentionCount).toBe(0);
  });

  it('of non-members or unknown users, or of more than 50, are BAD_USER_INPUT, storing nothing', async () => {
    const [owner, ana, outsider] = await users(3);
    const chatId = await createGroup(server, owner, [ana]);
    for (const mentionUserIds of [[outsider.id], [ana.id, UNKNOWN_ID], Array.from({ length: 51 }, () => ana.id)]) {
      await expectNothingStored(chatId, () => send(owner, { chatId, body: 'hi', mentionUserIds }), 'BAD_USER_INPUT', 'mentionUserIds');
    }
  });
});

describe("a chat's last message", () => {
  it('shows its reply, mentions and pin alike in the chat list and in the chat', async () => {
    const [owner, ana] = await users(2);
    const chatId = await createGroup(server, owner, [ana]);
    const original = await sendMessage(server, ana, chatId, { body: 'Lunch?' });
    const last = await sendMessage(server, owner, chatId, { body: '@ana yes', replyToId: original.id, mentionUserIds: [ana.id] });
    await server.request(PinMessageDocument, { messageId: last.id }, { token: owner.accessToken });
    const fields = 'lastMessage { id replyTo { id body } mentions { id } pinnedAt pinnedBy { id } }';
    type LastMessage = { id: string; replyTo: { id: string; body: string }; mentions: { id: string }[]; pinnedAt: string | null; pinnedBy: { id: string } | null };
    const list = await postGraphQL<{ chats: { nodes: { id: string; lastMessage: LastMessage }[] } }>(
      server.url,
      { query: `{ chats(first: 5) { nodes { id ${fields} } } }` },
      { token: ana.accessToken },
    );
    const one = await postGraphQL<{ chat: { lastMessage: LastMessage } }>(
      server.url,
      { query: `query ($id: ID!) { chat(id: $id) { ${fields} } }`, variables: { id: chatId } },
      { token: ana.accessToken },
    );
    expect(list.errors).toBeUndefined();
    expect(one.errors).toBeUndefined();
    const expected = { id: last.id, replyTo: { id: original.id, body: 'Lunch?' }, mentions: [{ id: ana.id }], pinnedBy: { id: owner.id } };
    expect(one.data!.chat.lastMessage).toMatchObject(expected);
    expect(one.data!.chat.lastMessage.pinnedAt).not.toBeNull();
    expect(list.data!.chats.nodes.find((chat) => chat.id === chatId)!.lastMessage).toEqual(one.data!.chat.lastMessage);
  });
});

describe('unreadSummary', () => {
  it('counts unread chats and messages without muted chats, and every unread mention', async () => {
    const [viewer, ana, ben] = await users(3);
    const quiet = await openPrivateChat(server, viewer, ana);
    const busy = await createGroup(server, ben, [viewer, ana]);
    await sendMessage(server, ana, quiet, { body: 'one' });
    await sendMessage(server, ben, busy, { body: 'two', mentionUserIds: [viewer.id] });
    await sendMessage(server, ana, busy, { body: 'three' });
    const summary = async () => (await server.request(UnreadSummaryDocument, {}, { token: viewer.accessToken })).data!.unreadSummary;
    expect(await summary()).toEqual({ chats: 2, messages: 3, mentions: 1 });
    await prisma().chatMember.update({ where: { chatId_userId: { chatId: busy, userId: viewer.id } }, data: { mutedUntil: new Date(Date.now() + 60_000) } });
    expect(await summary()).toEqual({ chats: 1, messages: 1, mentions: 1 });
    // A mute that has run out mutes nothing.
    await prisma().chatMember.update({ where: { chatId_userId: { chatId: busy, userId: viewer.id } }, data: { mutedUntil: new Date(Date.now() - 1_000) } });
    expect(await summary()).toEqual({ chats: 2, messages: 3, mentions: 1 });
    await server.request(MarkChatReadDocument, { chatId: busy }, { token: viewer.accessToken });
    expect(await summary()).toEqual({ chats: 1, messages: 1, mentions: 0 });
  });
});
