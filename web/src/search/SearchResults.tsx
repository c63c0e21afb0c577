import { useQuery } from '@apollo/client/react';
import { displayName } from '../chats/chat-display';
import { chatPath } from '../messenger/useRoute';
import { Empty, ErrorNotice, Loading } from '../ui/Status';
import { shortTime } from '../ui/time';
import { Highlight } from './Highlight';
import { SearchMessagesQuery } from './search.operations';
import { MoreButton } from '../ui/MoreButton';

interface SearchResultsProps {
  query: string;
  viewerId: string;
  /** The titles of the chats in the list, by id (a private chat's is the other person's name). */
  chatTitles: Map<string, string>;
}

/** Messages found across the viewer's chats: where each is, who wrote it, the matched words marked; a click opens it in its chat. */
export function SearchResults({ query, viewerId, chatTitles }: SearchResultsProps) {
  const { data, error, loading, networkStatus, refetch, fetchMore } = useQuery(SearchMessagesQuery, { variables: { query }, notifyOnNetworkStatusChange: true });
  const edges = data?.searchMessages.edges ?? [];
  const pageInfo = data?.searchMessages.pageInfo;

  if (loading && !data) return <Loading label="Searching messages…" />;
  if (error && !data) return <ErrorNotice what="Searching" error={error} onRetry={() => void refetch()} />;
  if (edges.length === 0) {
    return (
      <div role="status">
        <Empty>No messages match “{query}”.</Empty>
      </div>
    );
  }
  return (
    <>
      <p className="visually-hidden" role="status">
        {edges.length}
        {pageInfo?.hasNextPage ? ' or more' : ''} message{edges.length === 1 ? '' : 's'} found
      </p>
      <ul className="search-results" aria-label="Messages found">
        {edges.map(({ node, highlight }) => {
          const chat = node.chat;
          const author = node.author.id === viewerId ? 'You' : displayName(node.author);
          // A chat past the loaded pages of the list: a group has its name; a private chat, its other person.
          const title = chatTitles.get(chat.id) ?? (chat.kind === 'GROUP' ? (chat.name ?? 'Group') : node.author.id !== viewerId ? author : 'Private chat');
          return (
            <li key={node.id}>
              <a className="search-result" href={chatPath(chat.id, node.seq)} data-message-id={node.id}>
                <span className="chat-item-top">
                  <span className="chat-item-title">{title}</span>
                  <time dateTime={node.createdAt} className="muted">
                    {shortTime(node.createdAt)}
                  </time>
                </span>
                <span className="search-result-text">
                  <span className="muted">{author}: </span>
                  <Highlight html={highlight} />
                </span>
              </a>
            </li>
          );
        })}
      </ul>
      <MoreButton pageInfo={pageInfo} networkStatus={networkStatus} fetchMore={fetchMore} label="More results" />
    </>
  );
}
