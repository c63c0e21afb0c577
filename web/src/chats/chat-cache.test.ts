import { describe, expect, it } from 'vitest';
import { createCache } from '../apollo/cache';
import { ChatHistoryQuery } from '../chat/chat.operations';
import type { ChatListFieldsFragment, MessageFieldsFragment } from '../gql/graphql';
import { ChatQuery, ChatsQuery } from './chats.operations';
import { addMessage, applyReceipt, heldSeq, insertChat, removeChat } from './chat-cache';

const ME = 'me';

function user(id: string) {
  return { __typename: 'User' as const, id, username: id, displayName: null, avatarUrl: null };
}

function message(seq: number, authorId = 'ana', chatId = 'chat-1', mentioned: string[] = []): MessageFieldsFragment {
  return {
    __typename: 'Message',
    id: `m${seq}`,
    seq,
    body: `message ${seq}`,
    clientId: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, seq)).toISOString(),
    editedAt: null,
    deletedAt: null,
    pinnedAt: null,
    attachments: [],
    author: user(authorId),
    chat: { __typename: 'Chat', id: chatId },
    replyTo: null,
    mentions: mentioned.map((id) => ({ __typename: 'User' as const, id, username: id, displayName: null })),
  };
}

function chat(id: string, lastSeq: number, unreadCount: number): ChatListFieldsFragment {
  const member = (userId: string) => ({
    __typename: 'ChatMember' as const,
    role: 'MEMBER' as const,
    lastReadSeq: 0,
    lastDeliveredSeq: 0,
    user: { ...user(userId), isOnline: false, lastSeenAt: null },
  });
  return {
    __typename: 'Chat',
    id,
    kind: 'PRIVATE',
    name: null,
    lastSeq,
    lastActivityAt: new Date(Date.UTC(2026, 0, 1, 0, lastSeq)).toISOString(),
    unreadCount,
    unreadMentionCount: 0,
    lastMessage: lastSeq > 0 ? message(lastSeq, 'ana', id) : null,
    members: [member(ME), member('ana')],
    viewerMembership: {
      __typename: 'ChatMember',
      role: 'MEMBER',
      lastReadSeq: lastSeq - unreadCount,
      lastDeliveredSeq: 0,
      mutedUntil: null,
      archived: false,
      pinnedAt: null,
    },
  };
}

/** A cache holding the chat list (chat-1 with seqs 1-3, 1 unread) and chat-1's history. */
function seeded() {
  const cache = createCache();
  cache.writeQuery({
    query: ChatsQuery,
    data: { chats: { __typename: 'ChatConnection', edges: [{ __typename: 'ChatEdge', cursor: 'c1', node: chat('chat-1', 3, 1) }], pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: 'c1' } } },
  });
  cache.writeQuery({
    query: ChatHistoryQuery,
    variables: { chatId: 'chat-1' },
    data: {
      chat: {
        __typename: 'Chat',
        id: 'chat-1',
        messages: {
          __typename: 'MessageConnection',
          edges: [1, 2, 3].map((seq) => ({ __typename: 'MessageEdge' as const, cursor: `s${seq}`, node: { ...message(seq), reactions: [] } })),
          pageInfo: { __typename: 'PageInfo', hasPreviousPage: false, startCursor: 's1' },
        },
      },
    },
  });
  return cache;
}

function historySeqs(cache: ReturnType<typeof createCache>): number[] {
  const data = cache.readQuery({ query: ChatHistoryQuery, variables: { chatId: 'chat-1' } });
  return data?.chat?.messages.edges.map((edge) => edge.node.seq) ?? [];
}

function listedChat(cache: ReturnType<typeof createCache>, id = 'chat-1') {
  return cache.readQuery({ query: ChatQuery, variables: { id } })?.chat;
}

describe('the cache under live events', () => {
  it('adds a new message to its chat once and in seq order', () => {
    const cache = seeded();
    expect(addMessage(cache, message(5), { id: ME, readingChatId: null })).toBe(true);
    expect(addMessage(cache, message(4), { id: ME, readingChatId: null })).toBe(true);
    addMessage(cache, message(5), { id: ME, readingChatId: null });
    expect(historySeqs(cache)).toEqual([1, 2, 3, 4, 5]);
  });

  it('counts each message unread once, whichever subscription brings it first', () => {
    const cache = seeded();
    // Each subscription delivers a chat's messages in seq order; the all-chats one and the chat's own both bring them.
    for (const seq of [4, 4, 5, 6, 5, 6]) addMessage(cache, message(seq), { id: ME, readingChatId: null });
    expect(listedChat(cache)).toMatchObject({ lastSeq: 6, unreadCount: 4, lastMessage: { seq: 6 } });
  });

  it('does not count as unread what the viewer wrote or is reading', () => {
    const cache = seeded();
    addMessage(cache, message(4, ME), { id: ME, readingChatId: null });
    addMessage(cache, message(5), { id: ME, readingChatId: 'chat-1' });
    expect(listedChat(cache)).toMatchObject({ lastSeq: 5, unreadCount: 1 });
  });

  it('keeps the newest message as the last one when an older one arrives late', () => {
    const cache = seeded();
    addMessage(cache, message(6), { id: ME, readingChatId: null });
    addMessage(cache, message(4), { id: ME, readingChatId: null });
    expect(listedChat(cache)?.lastMessage?.seq).toBe(6);
    expect(listedChat(cache)?.lastActivityAt).toBe(message(6).createdAt);
  });

  it('says when a message belongs to a chat the cache does not hold', () => {
    expect(addMessage(seeded(), message(1, 'ana', 'chat-2'), { id: ME, readingChatId: null })).toBe(false);
  });

  it('knows the highest seq held, and nothing before the history loads', () => {
    const cache = seeded();
    expect(heldSeq(cache, 'chat-1')).toBe(3);
    addMessage(cache, message(9), { id: ME, readingChatId: null });
    expect(heldSeq(cache, 'chat-1')).toBe(9);
    expect(heldSeq(cache, 'chat-2')).toBeNull();
  });

  it('counts the viewer’s unread mentions once, not in what they wrote or are reading, and clears them when read to the end', () => {
    const cache = seeded();
    for (const seq of [4, 4, 5]) addMessage(cache, message(seq, 'ana', 'chat-1', [ME]), { id: ME, readingChatId: null });
    addMessage(cache, message(6, 'ana', 'chat-1', ['ben']), { id: ME, readingChatId: null });
    addMessage(cache, message(7, ME, 'chat-1', [ME]), { id: ME, readingChatId: null });
    addMessage(cache, message(8, 'ana', 'chat-1', [ME]), { id: ME, readingChatId: 'chat-1' });
    expect(listedChat(cache)).toMatchObject({ unreadCount: 4, unreadMentionCount: 2 });
    applyReceipt(cache, { chatId: 'chat-1', userId: ME, lastReadSeq: 8, lastDeliveredSeq: 8 }, ME);
    expect(listedChat(cache)).toMatchObject({ unreadCount: 0, unreadMentionCount: 0 });
  });

  it('moves members’ pointers forward only, and clears the unread count when the viewer read to the end elsewhere', () => {
    const cache = seeded();
    applyReceipt(cache, { chatId: 'chat-1', userId: 'ana', lastReadSeq: 2, lastDeliveredSeq: 3 }, ME);
    applyReceipt(cache, { chatId: 'chat-1', userId: 'ana', lastReadSeq: 1, lastDeliveredSeq: 1 }, ME);
    const ana = listedChat(cache)?.members.find((member) => member.user.id === 'ana');
    expect(ana).toMatchObject({ lastReadSeq: 2, lastDeliveredSeq: 3 });
    applyReceipt(cache, { chatId: 'chat-1', userId: ME, lastReadSeq: 3, lastDeliveredSeq: 3 }, ME);
    expect(listedChat(cache)).toMatchObject({ unreadCount: 0, viewerMembership: { lastReadSeq: 3 } });
  });

  it('puts a new chat at the top of the list once, and takes a left one out', () => {
    const cache = seeded();
    insertChat(cache, chat('chat-2', 0, 0));
    insertChat(cache, chat('chat-2', 0, 0));
    const ids = () => cache.readQuery({ query: ChatsQuery })?.chats.edges.map((edge) => edge.node.id);
    expect(ids()).toEqual(['chat-2', 'chat-1']);
    removeChat(cache, 'chat-1');
    expect(ids()).toEqual(['chat-2']);
  });
});
