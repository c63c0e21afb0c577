import type { ChatListFieldsFragment } from '../gql/graphql';
import { chatPath } from '../messenger/useRoute';
import { Avatar } from '../ui/Avatar';
import { shortTime } from '../ui/time';
import { BellIcon } from '../ui/icons';
import { chatTitle, otherMember, preview } from './chat-display';

/** A chat in the list: who or what, the last message, when, the unread and mention counts (quieter when muted). */
export function ChatListItem({ chat, viewerId, selected, muted }: { chat: ChatListFieldsFragment; viewerId: string; selected: boolean; muted: boolean }) {
  const title = chatTitle(chat, viewerId);
  const other = otherMember(chat, viewerId);
  const unread = chat.unreadCount;
  const mentions = chat.unreadMentionCount;
  return (
    <li>
      <a href={chatPath(chat.id)} className="chat-item" aria-current={selected ? 'page' : undefined} data-chat-id={chat.id}>
        <Avatar name={title} seed={other?.user.id ?? chat.id} url={other?.user.avatarUrl} online={other ? other.user.isOnline : undefined} />
        <span className="chat-item-text">
          <span className="chat-item-top">
            <span className="chat-item-title">
              {title}
              {muted && (
                <span className="muted-mark" role="img" aria-label="muted" title="Muted">
                  <BellIcon off />
                </span>
              )}
            </span>
            <time dateTime={chat.lastActivityAt} className="muted">
              {shortTime(chat.lastActivityAt)}
            </time>
          </span>
          <span className="chat-item-bottom">
            <span className="chat-item-preview">{preview(chat, viewerId)}</span>
            {mentions > 0 && (
              <span className="badge badge-mention" aria-label={`${mentions} unread mention${mentions === 1 ? '' : 's'}`} title="You were mentioned">
                @{mentions > 1 ? ` ${mentions > 99 ? '99+' : mentions}` : ''}
              </span>
            )}
            {unread > 0 && (
              <span className={muted ? 'badge badge-quiet' : 'badge'} aria-label={`${unread} unread`}>
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
