import type { ApolloCache, Reference } from '@apollo/client';
import { chatCacheId } from '../chats/chat-cache';
import { PinnedMessageFieldsFragmentDoc } from '../gql/graphql';
import type { PinnedMessageFieldsFragment } from '../gql/graphql';

interface Edge {
  __typename: string;
  cursor: string;
  node: Reference;
}
type ReadField = <T>(fieldName: string, from?: Reference | object) => T | undefined;

/**
 * A message pinned or unpinned (by the viewer, or by anyone through `messageUpdated`; deleting a
 * pinned message unpins it): in the chat's pinned list, when held, most recently pinned first,
 * or out of it. Safe to apply twice.
 */
export function applyPin(cache: ApolloCache, message: PinnedMessageFieldsFragment): void {
  const ref = cache.writeFragment({ fragment: PinnedMessageFieldsFragmentDoc, fragmentName: 'PinnedMessageFields', data: message });
  if (!ref) return;
  cache.modify({
    id: chatCacheId(cache, message.chat.id),
    fields: {
      pinnedMessages: (existing, { readField }) => {
        const list = existing as { edges: Edge[] } | undefined;
        if (!list) return existing;
        const edges = list.edges.filter((edge) => edge.node.__ref !== ref.__ref);
        // Not pinned and not listed (an edit, a reaction): the list stays as it is.
        if (!message.pinnedAt && edges.length === list.edges.length) return existing;
        if (message.pinnedAt) {
          const pinnedAt = message.pinnedAt;
          const at = edges.findIndex((edge) => ((readField as ReadField)<string>('pinnedAt', edge.node) ?? '') < pinnedAt);
          edges.splice(at === -1 ? edges.length : at, 0, { __typename: 'MessageEdge', cursor: '', node: ref });
        }
        return { ...list, edges };
      },
    },
  });
}
