import { describe, expect, it } from 'vitest';
import type { ChatListFieldsFragment } from '../gql/graphql';
import { othersPointers, tickFor } from './ticks';

type Member = ChatListFieldsFragment['members'][number];

function member(id: string, lastReadSeq: number, lastDeliveredSeq: number): Member {
  const user = { __typename: 'User' as const, id, username: id, displayName: null, avatarUrl: null, isOnline: false, lastSeenAt: null };
  return { __typename: 'ChatMember', role: 'MEMBER', lastReadSeq, lastDeliveredSeq, user };
}

describe('ticks', () => {
  it('counts a message read once every other member read it, delivered once it reached them all', () => {
    const pointers = othersPointers([member('me', 0, 0), member('ana', 7, 9), member('ben', 5, 8)], 'me');
    expect(pointers).toEqual({ read: 5, delivered: 8 });
    expect(tickFor(5, pointers)).toBe('READ');
    expect(tickFor(6, pointers)).toBe('DELIVERED');
    expect(tickFor(8, pointers)).toBe('DELIVERED');
    expect(tickFor(9, pointers)).toBe('SENT');
  });

  it('takes a read pointer as delivery too, whichever event came first', () => {
    const pointers = othersPointers([member('me', 0, 0), member('ana', 4, 2)], 'me');
    expect(tickFor(4, pointers)).toBe('READ');
    expect(pointers?.delivered).toBe(4);
  });

  it('leaves a message sent in a chat with nobody else', () => {
    const pointers = othersPointers([member('me', 3, 3)], 'me');
    expect(pointers).toBeNull();
    expect(tickFor(1, pointers)).toBe('SENT');
  });
});
