import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useEffect, useMemo } from 'react';
import { useServices } from '../messenger/services';
import { Empty, ErrorNotice, Loading } from '../ui/Status';
import { useClock } from '../ui/useClock';
import { isMuted } from './chat-display';
import { ChatListItem } from './ChatListItem';
import { ChatsQuery } from './chats.operations';

/** The viewer's chats, most recent activity first, kept current by the live feeds (useLiveUpdates.ts). */
export function ChatList({ selectedId, onNewGroup }: { selectedId: string | null; onNewGroup: () => void }) {
  const { user } = useServices();
  const { data, error, loading, networkStatus, refetch, fetchMore } = useQuery(ChatsQuery, { notifyOnNetworkStatusChange: true });
  const chats = useMemo(
    () =>
      (data?.chats.edges ?? [])
        .map((edge) => edge.node)
        .filter((chat, index, all) => all.findIndex((other) => other.id === chat.id) === index)
        .sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt)),
    [data],
  );
  const pageInfo = data?.chats.pageInfo;
  const now = useClock(60_000);
  // Muted chats stay out of the count in the tab's title.
  const unread = chats.reduce((sum, chat) => sum + (isMuted(chat, now) ? 0 : chat.unreadCount), 0);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Parley` : 'Parley';
  }, [unread]);

  return (
    <section className="chat-list" aria-labelledby="chats-heading">
      <div className="panel-header">
        <h2 id="chats-heading">Chats</h2>
        <button type="button" className="button" onClick={onNewGroup}>
          New group
        </button>
      </div>
      {loading && !data && <Loading label="Loading chats…" />}
      {error && !data && <ErrorNotice what="Loading your chats" error={error} onRetry={() => void refetch()} />}
      {data && chats.length === 0 && (
        <Empty>
          No chats yet. <a href="#/people">Find people</a> to talk to.
        </Empty>
      )}
      <ul className="chat-items">
        {chats.map((chat) => (
          <ChatListItem key={chat.id} chat={chat} viewerId={user.id} selected={chat.id === selectedId} muted={isMuted(chat, now)} />
        ))}
      </ul>
      {pageInfo?.hasNextPage && (
        <button
          type="button"
          className="button button-quiet more"
          disabled={networkStatus === NetworkStatus.fetchMore}
          onClick={() => void fetchMore({ variables: { after: pageInfo.endCursor } })}
        >
          {networkStatus === NetworkStatus.fetchMore ? 'Loading…' : 'Show older chats'}
        </button>
      )}
    </section>
  );
}
