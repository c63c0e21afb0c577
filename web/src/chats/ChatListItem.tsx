import type { ChatListFieldsFragment } from '../gql/graphql';
import { chatPath } from '../messenger/useRoute';
import { Avatar } from '../ui/Avatar';
import { shortTime } from '../ui/time';
import { chatTitle, otherMember, preview } from './chat-display';

export function ChatListItem({ chat, viewerId, selected }: { chat: ChatListFieldsFragment; viewerId: string; selected: boolean }) {
  const title = chatTitle(chat, viewerId);
  const other = otherMember(chat, viewerId);
  const unread = chat.unreadCount;
  return (
    <li>
      <a href={chatPath(chat.id)} className="chat-item" aria-current={selected ? 'page' : undefined} data-chat-id={chat.id}>
        <Avatar name={title} seed={other?.user.id ?? chat.id} url={other?.user.avatarUrl} online={other ? other.user.isOnline : undefined} />
        <span className="chat-item-text">
          <span className="chat-item-top">
            <span className="chat-item-title">{title}</span>
            <time dateTime={chat.lastActivityAt} className="muted">
              {shortTime(chat.lastActivityAt)}
            </time>
          </span>
          <span className="chat-item-bottom">
            <span className="chat-item-preview">{preview(chat, viewerId)}</span>
            {/* Mention counts (issue 12) get their badge beside this one. */}
            {unread > 0 && (
              <span className="badge" aria-label={`${unread} unread`}>
                {unread > 99 ? '99+' : unread}
              </span>
            )}
          </span>
          {other && <span className="visually-hidden">{other.user.isOnline ? ', online' : ', offline'}</span>}
        </span>
      </a>
    </li>
  );
}
