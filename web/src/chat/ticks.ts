import type { ChatListFieldsFragment } from '../gql/graphql';

/** What a message of the viewer's shows: on its way, not sent, stored, on the others' devices, read by them. */
export type Tick = 'pending' | 'failed' | 'SENT' | 'DELIVERED' | 'READ';

export interface Pointers {
  read: number;
  delivered: number;
}

/**
 * The lowest read and delivered pointers among the other members: a message is READ once every
 * other member has read it (Parley's MessageStatus rule), DELIVERED once it reached all of them.
 * Null when the viewer is alone in the chat.
 */
export function othersPointers(members: ChatListFieldsFragment['members'], viewerId: string): Pointers | null {
  const others = members.filter((member) => member.user.id !== viewerId);
  if (others.length === 0) return null;
  return {
    read: Math.min(...others.map((member) => member.lastReadSeq)),
    // Read implies delivered, whatever order the two pointers' events came in.
    delivered: Math.min(...others.map((member) => Math.max(member.lastDeliveredSeq, member.lastReadSeq))),
  };
}

export function tickFor(seq: number, pointers: Pointers | null): Tick {
  if (!pointers) return 'SENT';
  if (seq <= pointers.read) return 'READ';
  if (seq <= pointers.delivered) return 'DELIVERED';
  return 'SENT';
}
