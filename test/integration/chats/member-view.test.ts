import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArchiveChatDocument,
  ChatListViewDocument,
  ChatMembershipsDocument,
  ClearChatHistoryDocument,
  ConversationHistoryDocument,
  MuteChatDocument,
  PinChatDocument,
  SearchMessagesDocument,
  UnreadSummaryDocument,
} from '../../generated/graphql';
import { createGroup, openPrivateChat, sendMessage } from '../../helpers/chat-factories';
import { signUpUsers, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';
import { expectRefused } from '../../helpers/expectations';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';
const users = <TCount extends number>(count: TCount) => signUpUsers(server, count);
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

async function listIds(viewer: TestUser, archived?: boolean, first = 50): Promise<string[]> {
  const result = await server.request(ChatListViewDocument, { first, archived }, { token: viewer.accessToken });
  expect(result.errors).toBeUndefined();
  return result.data!.chats.edges.map((edge) => edge.node.id);
}

const memberships = (viewer: TestUser, chatId: string) => server.request(ChatMembershipsDocument, { chatId }, { token: viewer.accessToken });

describe("a member's own view of a chat", () => {
  it('mutes until an instant, unmutes with null, and refuses a past instant', async () => {
    const [ana, ben] = await users(2);
    const chatId = await openPrivateChat(server, ana, ben);
    const until = inAnHour();
    const muted = await server.request(MuteChatDocument, { chatId, until }, { token: ana.accessToken });
    expect(muted.data!.muteChat).toMatchObject({ user: { id: ana.id }, mutedUntil: until });
    expectRefused(await server.request(MuteChatDocument, { chatId, until: new Date(Date.now() - 1000).toISOString() }, { token: ana.accessToken }), 'BAD_USER_INPUT', 'until');
    expect((await memberships(ana, chatId)).data!.chat!.viewerMembership.mutedUntil).toBe(until);
    expect((await server.request(MuteChatDocument, { chatId, until: null }, { token: ana.accessToken })).data!.muteChat.mutedUntil).toBeNull();
  });

  it('is visible on the viewer\'s own membership only: others see null and false', async () => {
    const [ana, ben] = await users(2);
    const chatId = await openPrivateChat(server, ana, ben);
    await server.request(MuteChatDocument, { chatId, until: inAnHour() }, { token: ana.accessToken });
    await server.request(ArchiveChatDocument, { chatId, archived: true }, { token: ana.accessToken });
    await server.request(PinChatDocument, { chatId, pinned: true }, { token: ana.accessToken });
    const mine = (await memberships(ana, chatId)).data!.chat!;
    const anaSelf = mine.members.find((member) => member.user.id === ana.id)!;
    expect(anaSelf).toMatchObject({ archived: true });
    expect(anaSelf.mutedUntil).not.toBeNull();
    expect(anaSelf.pinnedAt).not.toBeNull();
    const seenByBen = (await memberships(ben, chatId)).data!.chat!.members.find((member) => member.user.id === ana.id)!;
    expect(seenByBen).toMatchObject({ mutedUntil: null, archived: false, pinnedAt: null });
    expect((await memberships(ben, chatId)).data!.chat!.viewerMembership).toMatchObject({ mutedUntil: null, archived: false, pinnedAt: null });
  });

  it('archives: the chat leaves chats() and shows in chats(archived: true), for the viewer alone', async () => {
    const [ana, ben] = await users(2);
    const chatId = await openPrivateChat(server, ana, ben);
    await server.request(ArchiveChatDocument, { chatId, archived: true }, { token: ana.accessToken });
    expect(await listIds(ana)).not.toContain(chatId);
    expect(await listIds(ana, true)).toEqual([chatId]);
    expect(await listIds(ben)).toContain(chatId);
    // Still archived after a new message; unarchiving brings it back.
    await sendMessage(server, ben, chatId);
    expect(await listIds(ana)).not.toContain(chatId);
    await server.request(ArchiveChatDocument, { chatId, archived: false }, { token: ana.accessToken });
    expect(await listIds(ana)).toEqual([chatId]);
  });

  it('pins chats first, most recently pinned first, pages across them, and holds 10 at most', async () => {
    const [viewer, ...others] = await users(13);
    const chats: string[] = [];
    for (const other of others) chats.push(await openPrivateChat(server, viewer, other));
    for (const chatId of chats) await sendMessage(server, viewer, chatId);
    // Without pins: most recent activity first.
    expect(await listIds(viewer)).toEqual([...chats].reverse());
    await server.request(PinChatDocument, { chatId: chats[0]!, pinned: true }, { token: viewer.accessToken });
    await server.request(PinChatDocument, { chatId: chats[5]!, pinned: true }, { token: viewer.accessToken });
    const expected = [chats[5]!, chats[0]!, ...[...chats].reverse().filter((id) => id !== chats[0] && id !== chats[5])];
    expect(await listIds(viewer)).toEqual(expected);
    // Page by page, across the pinned and the rest, nothing skipped or repeated.
    const paged: string[] = [];
    const pageAfter = async (after: string | null) => (await server.request(ChatListViewDocument, { first: 1, after }, { token: viewer.accessToken })).data!.chats;
    for (let page = await pageAfter(null); ; page = await pageAfter(page.pageInfo.endCursor!)) {
      paged.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
    }
    expect(paged).toEqual(expected);
    for (const chatId of chats.slice(1, 10)) if (chatId !== chats[5]) expect((await server.request(PinChatDocument, { chatId, pinned: true }, { token: viewer.accessToken })).errors).toBeUndefined();
    expectRefused(await server.request(PinChatDocument, { chatId: chats[10]!, pinned: true }, { token: viewer.accessToken }), 'BAD_USER_INPUT', 'pinned');
    // Pinning a pinned chat again is no new pin.
    expect((await server.request(PinChatDocument, { chatId: chats[0]!, pinned: true }, { token: viewer.accessToken })).errors).toBeUndefined();
    await server.request(PinChatDocument, { chatId: chats[0]!, pinned: false }, { token: viewer.accessToken });
    expect((await server.request(PinChatDocument, { chatId: chats[10]!, pinned: true }, { token: viewer.accessToken })).errors).toBeUndefined();
  });

  it('clears history: the viewer\'s history and search start after it, those messages count as read, others keep theirs', async () => {
    const [ana, ben] = await users(2);
    const chatId = await openPrivateChat(server, ana, ben);
    await sendMessage(server, ben, chatId, { body: 'secret plan alpha' });
    await sendMessage(server, ben, chatId, { body: 'secret plan beta' });
    const cleared = await server.request(ClearChatHistoryDocument, { chatId }, { token: ana.accessToken });
    expect(cleared.data!.clearChatHistory).toMatchObject({ lastReadSeq: 2, lastDeliveredSeq: 2 });
    const anaHistory = await server.request(ConversationHistoryDocument, { chatId }, { token: ana.accessToken });
    expect(anaHistory.data!.messages.edges).toEqual([]);
    expect(anaHistory.data!.messages.pageInfo.hasPreviousPage).toBe(false);
    expect((await server.request(SearchMessagesDocument, { query: 'secret' }, { token: ana.accessToken })).data!.searchMessages.edges).toEqual([]);
    expect((await memberships(ana, chatId)).data!.chat!).toMatchObject({ unreadCount: 0, lastMessage: null });
    expect((await server.request(ConversationHistoryDocument, { chatId }, { token: ben.accessToken })).data!.messages.edges).toHaveLength(2);
    expect((await server.request(SearchMessagesDocument, { query: 'secret plan' }, { token: ben.accessToken })).data!.searchMessages.edges).toHaveLength(2);
    // The chat stays in the list (no hide), and what comes next is there as usual.
    expect(await listIds(ana)).toContain(chatId);
    await sendMessage(server, ben, chatId, { body: 'secret plan gamma' });
    const after = await server.request(ConversationHistoryDocument, { chatId }, { token: ana.accessToken });
    expect(after.data!.messages.edges.map((edge) => edge.node.seq)).toEqual([3]);
    expect(after.data!.messages.pageInfo.hasPreviousPage).toBe(false);
  });

  it('hides a cleared chat from the list until its next message: deleting a private conversation', async () => {
    const [ana, ben] = await users(2);
    const chatId = await openPrivateChat(server, ana, ben);
    await sendMessage(server, ben, chatId, { body: 'hi' });
    await server.request(ClearChatHistoryDocument, { chatId, hide: true }, { token: ana.accessToken });
    expect(await listIds(ana)).not.toContain(chatId);
    expect(await listIds(ben)).toContain(chatId);
    expect((await server.request(UnreadSummaryDocument, {}, { token: ana.accessToken })).data!.unreadSummary).toEqual({ chats: 0, messages: 0, mentions: 0 });
    await sendMessage(server, ben, chatId, { body: 'are you there?' });
    expect(await listIds(ana)).toEqual([chatId]);
    const chat = (await memberships(ana, chatId)).data!.chat!;
    expect(chat).toMatchObject({ unreadCount: 1, lastMessage: { seq: 2 } });
  });

  it('is NOT_FOUND for a chat the viewer is not in, or that does not exist, changing nothing', async () => {
    const [ana, ben, outsider] = await users(3);
    const chatId = await createGroup(server, ana, [ben]);
    for (const id of [chatId, UNKNOWN_ID]) {
      expectRefused(await server.request(MuteChatDocument, { chatId: id, until: inAnHour() }, { token: outsider.accessToken }), 'NOT_FOUND');
      expectRefused(await server.request(ArchiveChatDocument, { chatId: id, archived: true }, { token: outsider.accessToken }), 'NOT_FOUND');
      expectRefused(await server.request(PinChatDocument, { chatId: id, pinned: true }, { token: outsider.accessToken }), 'NOT_FOUND');
      expectRefused(await server.request(ClearChatHistoryDocument, { chatId: id, hide: true }, { token: outsider.accessToken }), 'NOT_FOUND');
    }
    const members = await server.parley.database.prisma.chatMember.findMany({ where: { chatId } });
    expect(members.length).toBeGreaterThan(0);
    for (const member of members) expect(member).toMatchObject({ archived: false, hidden: false, pinnedAt: null, mutedUntil: null, clearedSeq: 0 });
  });
});
