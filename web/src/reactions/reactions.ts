import { displayName } from '../chats/chat-display';
import type { MessageReactionsFragment } from '../gql/graphql';

export type ReactionGroup = MessageReactionsFragment['reactions'][number];
type Reactor = ReactionGroup['users'][number];

/** The few emoji the picker offers (Parley takes any single emoji). */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🎉'];
/** How many reactors each group lists (`users(first: 3)` in MessageReactions). */
export const REACTORS_SHOWN = 3;

/**
 * The reactions once the viewer's `emoji` is toggled, as Parley will answer: their reaction
 * added to its group (a new group goes last) or taken away (an emptied group goes). Shown at
 * once, then replaced by the answer.
 */
export function toggleReaction(groups: readonly ReactionGroup[], emoji: string, viewer: Omit<Reactor, '__typename'>): ReactionGroup[] {
  const group = groups.find((candidate) => candidate.emoji === emoji);
  if (!group) {
    return [...groups, { __typename: 'ReactionGroup', emoji, count: 1, reactedByViewer: true, users: [{ __typename: 'User', ...viewer }] }];
  }
  return groups.flatMap((candidate) => {
    if (candidate !== group) return [candidate];
    if (group.reactedByViewer) {
      if (group.count <= 1) return [];
      return [{ ...group, count: group.count - 1, reactedByViewer: false, users: group.users.filter((user) => user.id !== viewer.id) }];
    }
    // Reactors are listed earliest first: the viewer joins the end, if the list has room.
    const users = group.users.length < REACTORS_SHOWN ? [...group.users, { __typename: 'User' as const, ...viewer }] : group.users;
    return [{ ...group, count: group.count + 1, reactedByViewer: true, users }];
  });
}

/** "👍 2: Ana and you", for screen readers and the tooltip. */
export function describeReaction(group: ReactionGroup, viewerId: string): string {
  const names = group.users.map((user) => (user.id === viewerId ? 'you' : displayName(user)));
  // Past the first reactors listed, the viewer is still known to be among them.
  if (group.reactedByViewer && !names.includes('you')) names.push('you');
  const others = group.count - names.length;
  if (others > 0) names.push(`${others} other${others === 1 ? '' : 's'}`);
  const people = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : (names[0] ?? '');
  return `${group.emoji} ${group.count}: ${people}`;
}
