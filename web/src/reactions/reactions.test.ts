import { describe, expect, it } from 'vitest';
import { createCache } from '../apollo/cache';
import { MessageFieldsFragmentDoc, MessageReactionsFragmentDoc } from '../gql/graphql';
import { describeReaction, type ReactionGroup, toggleReaction } from './reactions';

const me = { id: 'me', username: 'me', displayName: 'Me' };
const person = (id: string) => ({ __typename: 'User' as const, id, username: id, displayName: null });

function group(emoji: string, count: number, reactedByViewer: boolean, users: string[]): ReactionGroup {
  return { __typename: 'ReactionGroup', emoji, count, reactedByViewer, users: users.map((id) => (id === 'me' ? { __typename: 'User', ...me } : person(id))) };
}

describe('toggling a reaction', () => {
  it('starts a new group last, with the viewer as its reactor', () => {
    const before = [group('👍', 2, false, ['ana', 'ben'])];
    expect(toggleReaction(before, '🎉', me)).toEqual([before[0], group('🎉', 1, true, ['me'])]);
  });

  it('joins an existing group, listed last while the list has room', () => {
    expect(toggleReaction([group('👍', 1, false, ['ana'])], '👍', me)).toEqual([group('👍', 2, true, ['ana', 'me'])]);
    expect(toggleReaction([group('👍', 5, false, ['ana', 'ben', 'cy'])], '👍', me)).toEqual([group('👍', 6, true, ['ana', 'ben', 'cy'])]);
  });

  it('takes the viewer’s reaction away, and a group left empty with it, keeping the order of the rest', () => {
    const before = [group('😂', 1, true, ['me']), group('👍', 3, true, ['ana', 'me', 'ben']), group('🎉', 1, false, ['cy'])];
    expect(toggleReaction(before, '👍', me)).toEqual([before[0], group('👍', 2, false, ['ana', 'ben']), before[2]]);
    expect(toggleReaction(before, '😂', me)).toEqual([before[1], before[2]]);
  });

  it('leaves the groups it was given as they were', () => {
    const before = [group('👍', 1, true, ['me'])];
    toggleReaction(before, '👍', me);
    expect(before).toEqual([group('👍', 1, true, ['me'])]);
  });
});

describe('describing a reaction', () => {
  it('names the first reactors, the viewer as you, and counts the others', () => {
    expect(describeReaction(group('👍', 2, true, ['ana', 'me']), 'me')).toBe('👍 2: ana and you');
    expect(describeReaction(group('👍', 5, false, ['ana', 'ben', 'cy']), 'me')).toBe('👍 5: ana, ben, cy and 2 others');
    expect(describeReaction(group('👍', 5, true, ['ana', 'ben', 'cy']), 'me')).toBe('👍 5: ana, ben, cy, you and 1 other');
    expect(describeReaction(group('❤️', 1, false, ['ana']), 'me')).toBe('❤️ 1: ana');
  });
});

describe('reactions in the cache', () => {
  const reactionsOf = (cache: ReturnType<typeof createCache>) =>
    cache.readFragment({ id: 'Message:m1', fragment: MessageReactionsFragmentDoc, fragmentName: 'MessageReactions' })?.reactions;
  const write = (cache: ReturnType<typeof createCache>, reactions: ReactionGroup[]) =>
    cache.writeFragment({ fragment: MessageReactionsFragmentDoc, fragmentName: 'MessageReactions', data: { __typename: 'Message', id: 'm1', reactions } });

  it('reads none on a message that came by messageAdded, which leaves them out', () => {
    const cache = createCache();
    cache.writeFragment({
      fragment: MessageFieldsFragmentDoc,
      fragmentName: 'MessageFields',
      data: {
        __typename: 'Message', id: 'm1', seq: 1, body: 'hi', clientId: null, createdAt: '2026-01-01T00:00:00.000Z', editedAt: null, deletedAt: null,
        pinnedAt: null, attachments: [], author: { ...person('ana'), avatarUrl: null }, chat: { __typename: 'Chat', id: 'chat-1' }, replyTo: null, mentions: [],
      },
    });
    expect(reactionsOf(cache)).toEqual([]);
  });

  it('replaces the groups with each answer or update, so an emoji nobody keeps goes', () => {
    const cache = createCache();
    write(cache, [group('👍', 2, true, ['ana', 'me']), group('❤️', 1, false, ['ben'])]);
    write(cache, [group('❤️', 2, false, ['ben', 'cy'])]);
    expect(reactionsOf(cache)).toEqual([group('❤️', 2, false, ['ben', 'cy'])]);
  });
});
