import type { ApolloCache, Reference, StoreObject } from '@apollo/client';
import type { Modifier } from '@apollo/client/cache';
import { ChatListFieldsFragmentDoc, HeldSeqFragmentDoc, MessageFieldsFragmentDoc } from '../gql/graphql';
import type { ChatListFieldsFragment, MessageFieldsFragment } from '../gql/graphql';

// How live events change what the cache holds. Each function is safe to call twice with the same
// event (the chat's subscription and the all-chats one both bring each new message).

interface Edge {
  __typename: string;
  cursor: string;
  node: Reference;
}
interface Connection {
  edges: Edge[];
  pageInfo: Record<string, unknown>;
}
type ReadField = <T>(fieldName: string, from?: Reference | object) => T | undefined;

export function chatCacheId(cache: ApolloCache, chatId: string): string {
  return cache.identify({ __typename: 'Chat', id: chatId }) ?? `Chat:${chatId}`;
}

/**
 * A new message: into its chat's history (when loaded), in seq order, once; and into the chat's
 * summary: last message, last seq, activity, and the unread and unread-mention counts (unless the
 * viewer is reading that chat, or wrote it). False when the chat is not in the cache at all.
 */
export function addMessage(cache: ApolloCache, message: MessageFieldsFragment, viewer: { id: string; readingChatId: string | null }): boolean {
  const ref = cache.writeFragment({ fragment: MessageFieldsFragmentDoc, fragmentName: 'MessageFields', data: message });
  if (!ref) return false;
  const fromOthers = message.author.id !== viewer.id && viewer.readingChatId !== message.chat.id;
  const mentionsViewer = message.mentions.some((user) => user.id === viewer.id);
  const isNew = (readField: ReadField) => (readField<number>('lastSeq') ?? 0) < message.seq;
  return cache.modify({
    id: chatCacheId(cache, message.chat.id),
    fields: {
      messages: (existing, { readField }) => insertEdge(existing as Connection, ref, message.seq, readField as ReadField),
      lastMessage: (existing, { readField }) => {
        const current = existing as Reference | null;
        return current && (readField<number>('seq', current) ?? 0) >= message.seq ? current : ref;
      },
      lastActivityAt: (existing) => (String(existing) >= message.createdAt ? existing : message.createdAt),
      // lastSeq first tells whether this message is news: a second copy changes nothing.
      unreadCount: (existing, { readField }) => (fromOthers && isNew(readField as ReadField) ? Number(existing) + 1 : existing),
      unreadMentionCount: (existing, { readField }) =>
        fromOthers && mentionsViewer && isNew(readField as ReadField) ? Number(existing) + 1 : existing,
      lastSeq: (existing) => Math.max(Number(existing), message.seq),
    },
  });
}

function insertEdge(existing: Connection | undefined, ref: Reference, seq: number, readField: ReadField): Connection | undefined {
  if (!existing) return existing;
  if (existing.edges.some((edge) => edge.node.__ref === ref.__ref)) return existing;
  const edges = [...existing.edges];
  let at = edges.length;
  while (at > 0 && (readField<number>('seq', edges[at - 1]!.node) ?? 0) > seq) at -= 1;
  // A live message has no cursor; paging backwards uses pageInfo.startCursor, kept as it was.
  edges.splice(at, 0, { __typename: 'MessageEdge', cursor: '', node: ref });
  return { ...existing, edges };
}

/** A chat the viewer now has (created, added to, or first heard of through a message): at the top of the list. */
export function insertChat(cache: ApolloCache, chat: ChatListFieldsFragment): void {
  const ref = cache.writeFragment({ fragment: ChatListFieldsFragmentDoc, fragmentName: 'ChatListFields', data: chat });
  if (!ref) return;
  cache.modify({
    fields: {
      chats: (existing) => {
        const list = existing as Connection | undefined;
        if (!list || list.edges.some((edge) => edge.node.__ref === ref.__ref)) return existing;
        return { ...list, edges: [{ __typename: 'ChatEdge', cursor: '', node: ref }, ...list.edges] };
      },
    },
  });
}

/** A chat the viewer left or was removed from. */
export function removeChat(cache: ApolloCache, chatId: string): void {
  const id = chatCacheId(cache, chatId);
  cache.modify({
    fields: {
      chats: (existing) => {
        const list = existing as Connection | undefined;
        return list ? { ...list, edges: list.edges.filter((edge) => edge.node.__ref !== id) } : existing;
      },
    },
  });
  cache.evict({ id });
  cache.gc();
}

/** A read or delivered pointer moved: the member's pointers (ticks), and the viewer's unread count when it is theirs. */
export function applyReceipt(
  cache: ApolloCache,
  receipt: { chatId: string; userId: string; lastReadSeq: number; lastDeliveredSeq: number },
  viewerId: string,
): void {
  const forward = (member: StoreObject) => ({
    ...member,
    lastReadSeq: Math.max(Number(member.lastReadSeq), receipt.lastReadSeq),
    lastDeliveredSeq: Math.max(Number(member.lastDeliveredSeq), receipt.lastDeliveredSeq),
  });
  const isViewer = receipt.userId === viewerId;
  // Read on another device up to the end: nothing is unread. Part of the way: the next list refresh counts.
  const clearIfReadToEnd: Modifier<number> = (existing, { readField }) => (isViewer && receipt.lastReadSeq >= (readField<number>('lastSeq') ?? 0) ? 0 : existing);
  cache.modify({
    id: chatCacheId(cache, receipt.chatId),
    fields: {
      members: (existing, { readField }) =>
        (existing as StoreObject[]).map((member) =>
          readField<string>('id', readField<Reference>('user', member)) === receipt.userId ? forward(member) : member,
        ),
      viewerMembership: (existing) => (isViewer ? forward(existing as StoreObject) : existing),
      unreadCount: clearIfReadToEnd,
      unreadMentionCount: clearIfReadToEnd,
    },
  });
}

/** The highest seq of the chat's history held in the cache (what a resumed subscription starts after); null before it loads. */
export function heldSeq(cache: ApolloCache, chatId: string): number | null {
  const chat = cache.readFragment({ id: chatCacheId(cache, chatId), fragment: HeldSeqFragmentDoc, fragmentName: 'HeldSeq' });
  if (!chat) return null;
  return chat.messages.edges.reduce((highest, edge) => Math.max(highest, edge.node.seq), 0);
}
