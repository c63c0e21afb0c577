import type { ChatListFieldsFragment } from '../gql/graphql';
import { chatTitle, displayName, otherMember } from '../chats/chat-display';
import { Avatar } from '../ui/Avatar';
import { lastSeen } from '../ui/time';

export function ChatHeader({ chat, viewerId }: { chat: ChatListFieldsFragment; viewerId: string }) {
  const title = chatTitle(chat, viewerId);
  const other = otherMember(chat, viewerId);
  const subtitle = other
    ? other.user.isOnline
      ? 'online'
      : lastSeen(other.user.lastSeenAt)
    : `${chat.members.length} members: ${chat.members.map((member) => (member.user.id === viewerId ? 'you' : displayName(member.user))).join(', ')}`;
  return (
    <header className="chat-header">
      <a href="#/" className="back button button-quiet" aria-label="Back to chats">
        ←
      </a>
      <Avatar name={title} seed={other?.user.id ?? chat.id} url={other?.user.avatarUrl} online={other ? other.user.isOnline : undefined} />
      <div className="chat-header-text">
        <h2 id="chat-title">{title}</h2>
        <p className="muted" data-testid="chat-subtitle">
          {subtitle}
        </p>
      </div>
      {/* Search in the chat (issue 12) goes here. */}
    </header>
  );
}
