import { InMemoryCache } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';

/**
 * The normalized cache: every Chat, Message, User and Friendship is one entry, updated in place
 * by whatever brings it (a query, a mutation, a live event). Lists are Relay connections merged
 * page by page: the chat list forward, a chat's history backwards.
 */
export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Query: {
        fields: {
          chats: relayStylePagination(),
          users: relayStylePagination(['search']),
          searchMessages: relayStylePagination(['query', 'chatId']),
          friendships: relayStylePagination(['status']),
          // A chat already in the cache (from the list) shows at once while the rest loads.
          chat: {
            read: (existing, { args, toReference }) =>
              existing !== undefined ? existing : toReference({ __typename: 'Chat', id: String(args?.id) }),
          },
        },
      },
      Chat: {
        fields: {
          // One history per chat, whatever page was asked for: pages merge by their cursors.
          messages: relayStylePagination(),
          // Members have no id of their own: each answer replaces the list, a pointer update edits it (chat-cache.ts).
          members: { merge: false },
          viewerMembership: { merge: true },
          pinnedMessages: relayStylePagination(),
        },
      },
      Message: {
        fields: {
          // Each answer holds the whole list (groups and attachments have no id): it replaces the old one.
          // `messageAdded` leaves reactions out (so Parley resolves it once for every receiver): a new
          // message has none, and its first reaction comes with `messageUpdated`.
          reactions: { merge: false, read: (existing: unknown[] | undefined) => existing ?? [] },
          attachments: { merge: false },
        },
      },
    },
  });
}
