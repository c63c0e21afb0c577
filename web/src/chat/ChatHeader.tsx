import { useMutation } from '@apollo/client/react';
import { removeChat } from '../chats/chat-cache';
import { chatTitle, displayName, isMuted, otherMember } from '../chats/chat-display';
import type { ChatListFieldsFragment } from '../gql/graphql';
import { navigate } from '../messenger/useRoute';
import { Avatar } from '../ui/Avatar';
import { describeError } from '../ui/errors';
import { lastSeen } from '../ui/time';
import { useClock } from '../ui/useClock';
import { LeaveChatMutation } from './chat.operations';
import { MuteButton } from './MuteButton';

export function ChatHeader({ chat, viewerId }: { chat: ChatListFieldsFragment; viewerId: string }) {
  const title = chatTitle(chat, viewerId);
  const now = useClock(60_000);
  const muted = isMuted(chat, now);
  const other = otherMember(chat, viewerId);
  const subtitle = other
    ? other.user.isOnline
      ? 'online'
      : lastSeen(other.user.lastSeenAt)
    : `${chat.members.length} member${chat.members.length === 1 ? '' : 's'}: ${chat.members.map((member) => (member.user.id === viewerId ? 'you' : displayName(member.user))).join(', ')}`;
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
      <MuteButton chat={chat} muted={muted} />
      {chat.kind === 'GROUP' && <LeaveButton chatId={chat.id} title={title} />}
    </header>
  );
}

function LeaveButton({ chatId, title }: { chatId: string; title: string }) {
  const [leave, { loading }] = useMutation(LeaveChatMutation, {
    variables: { chatId },
    onCompleted: () => navigate('#/'),
    onError: (error) => window.alert(`Leaving the group failed: ${describeError(error).message}`),
    update: (cache) => removeChat(cache, chatId),
  });
  const onClick = () => {
    if (window.confirm(`Leave “${title}”? You will no longer see its messages.`)) void leave();
  };
  return (
    <button type="button" className="button button-quiet leave" onClick={onClick} disabled={loading}>
      Leave group
    </button>
  );
}
