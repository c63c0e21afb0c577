import { describe, expect, it } from 'vitest';
import { createCache } from '../apollo/cache';
import type { PinnedMessageFieldsFragment } from '../gql/graphql';
import { PinnedMessagesQuery } from './chat.operations';
import { applyPin } from './pins';

function pinned(seq: number, pinnedAt: string | null): PinnedMessageFieldsFragment {
  return {
    __typename: 'Message',
    id: `m${seq}`,
    seq,
    body: `message ${seq}`,
    deletedAt: null,
    pinnedAt,
    author: { __typename: 'User', id: 'ana', username: 'ana', displayName: null },
    chat: { __typename: 'Chat', id: 'chat-1' },
  };
}

/** A cache holding chat-1's pinned list: message 2 pinned at 10:00. */
function seeded() {
  const cache = createCache();
  cache.writeQuery({
    query: PinnedMessagesQuery,
    variables: { chatId: 'chat-1' },
    data: {
      chat: {
        __typename: 'Chat',
        id: 'chat-1',
        pinnedMessages: {
          __typename: 'MessageConnection',
          edges: [{ __typename: 'MessageEdge', cursor: 'p2', node: pinned(2, '2026-01-01T10:00:00.000Z') }],
          pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: 'p2' },
        },
      },
    },
  });
  return cache;
}

const pinnedSeqs = (cache: ReturnType<typeof createCache>) =>
  cache.readQuery({ query: PinnedMessagesQuery, variables: { chatId: 'chat-1' } })?.chat?.pinnedMessages.edges.map((edge) => edge.node.seq);

describe('the pinned list under pins and unpins', () => {
  it('puts a message pinned in its place, most recently pinned first, once', () => {
    const cache = seeded();
    applyPin(cache, pinned(5, '2026-01-01T11:00:00.000Z'));
    applyPin(cache, pinned(1, '2026-01-01T09:00:00.000Z'));
    applyPin(cache, pinned(5, '2026-01-01T11:00:00.000Z'));
    expect(pinnedSeqs(cache)).toEqual([5, 2, 1]);
  });

  it('takes out a message unpinned (or deleted, which unpins it), and ignores one never pinned', () => {
    const cache = seeded();
    applyPin(cache, pinned(2, null));
    applyPin(cache, pinned(3, null));
    expect(pinnedSeqs(cache)).toEqual([]);
  });

  it('starts no pinned list for a chat whose list was never read', () => {
    const cache = createCache();
    applyPin(cache, pinned(2, '2026-01-01T10:00:00.000Z'));
    expect(cache.extract()['Chat:chat-1']).toEqual({ __typename: 'Chat', id: 'chat-1' });
  });
});
