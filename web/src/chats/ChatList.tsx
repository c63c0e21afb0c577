import { useQuery } from '@apollo/client/react';
import { useEffect, useId, useMemo, useState } from 'react';
import { useServices } from '../messenger/services';
import { SearchResults } from '../search/SearchResults';
import { Empty, ErrorNotice, Loading } from '../ui/Status';
import { useDebouncedValue } from '../ui/useDebouncedValue';
import { useClock } from '../ui/useClock';
import { chatTitle, isMuted } from './chat-display';
import { ChatListItem } from './ChatListItem';
import { ChatsQuery } from './chats.operations';
import { MoreButton } from '../ui/MoreButton';

/** Typing pauses this long before a search is sent. */
const SEARCH_DELAY_MS = 300;
/** Parley takes queries of 1-200 characters. */
const SEARCH_MAX = 200;

/**
 * The viewer's chats, most recent activity first, kept current by the live feeds
 * (useLiveUpdates.ts); while something is typed in the search field, the messages found instead.
 */
export function ChatList({ selectedId, onNewGroup }: { selectedId: string | null; onNewGroup: () => void }) {
  const { user } = useServices();
  const searchId = useId();
  const [search, setSearch] = useState('');
  const query = useDebouncedValue(search.trim(), SEARCH_DELAY_MS);
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
  const chatTitles = useMemo(() => new Map(chats.map((chat) => [chat.id, chatTitle(chat, user.id)])), [chats, user.id]);
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
      <div className="message-search">
        <label htmlFor={searchId} className="visually-hidden">
          Search messages
        </label>
        <input
          id={searchId}
          type="search"
          value={search}
          maxLength={SEARCH_MAX}
          placeholder="Search messages"
          autoComplete="off"
          onChange={(event) => setSearch(event.target.value)}
          onKeyDown={(event) => event.key === 'Escape' && setSearch('')}
        />
      </div>
      {search.trim() ? (
        query && <SearchResults query={query} viewerId={user.id} chatTitles={chatTitles} />
      ) : (
        <>
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
          <MoreButton pageInfo={pageInfo} networkStatus={networkStatus} fetchMore={fetchMore} label="Show older chats" />
        </>
      )}
    </section>
  );
}
