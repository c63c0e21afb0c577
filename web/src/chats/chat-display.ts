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

/** Whether the viewer muted the chat, as of `now`: Parley keeps the instant a mute ends. */
export function isMuted(chat: ChatListFieldsFragment, now: number): boolean {
  const until = chat.viewerMembership.mutedUntil;
  return until !== null && Date.parse(until) > now;
}

/** The last message as one line: "You: see you", "Ana: hi", "Message deleted". */
export function preview(chat: ChatListFieldsFragment, viewerId: string): string {
  const message = chat.lastMessage;
  if (!message) return 'No messages yet';
  const text = message.deletedAt ? 'Message deleted' : message.body || filesPreview(message.attachments);
  if (message.author.id === viewerId) return `You: ${text}`;
  return chat.kind === 'GROUP' ? `${displayName(message.author)}: ${text}` : text;
}

/** A message of files only: "📷 Photo", "📎 report.pdf", "📎 3 files". */
function filesPreview(files: NonNullable<ChatListFieldsFragment['lastMessage']>['attachments']): string {
  const [first] = files;
  if (!first) return '';
  if (files.length > 1) return `📎 ${files.length} files`;
  return first.mimeType?.startsWith('image/') ? '📷 Photo' : `📎 ${first.name ?? 'File'}`;
}
