import type { ChatListFieldsFragment } from '../gql/graphql';

type Member = ChatListFieldsFragment['members'][number];

export function displayName(user: { displayName: string | null; username: string }): string {
  return user.displayName ?? user.username;
}

/** The other person of a private chat (null in groups, or when they left). */
export function otherMember(chat: ChatListFieldsFragment, viewerId: string): Member | null {
  if (chat.kind !== 'PRIVATE') return null;
  return chat.members.find((member) => member.user.id !== viewerId) ?? null;
}

/** A group's name, or the other person's name in a private chat. */
export function chatTitle(chat: ChatListFieldsFragment, viewerId: string): string {
  if (chat.kind === 'GROUP') return chat.name ?? 'Group';
  const other = otherMember(chat, viewerId);
  return other ? displayName(other.user) : 'Just you';
}

/** The last message as one line: "You: see you", "Ana: hi", "Message deleted". */
export function preview(chat: ChatListFieldsFragment, viewerId: string): string {
  const message = chat.lastMessage;
  if (!message) return 'No messages yet';
  const text = message.deletedAt ? 'Message deleted' : message.body || (message.attachments.length > 0 ? 'Attachment' : '');
  if (message.author.id === viewerId) return `You: ${text}`;
  return chat.kind === 'GROUP' ? `${displayName(message.author)}: ${text}` : text;
}
