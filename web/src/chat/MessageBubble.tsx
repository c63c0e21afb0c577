import type { MessageFieldsFragment } from '../gql/graphql';
import { displayName } from '../chats/chat-display';
import { clockTime } from '../ui/time';
import type { Tick } from './ticks';

const TICK_LABEL: Record<Tick, string> = { pending: 'Sending', failed: 'Not sent', SENT: 'Sent', DELIVERED: 'Delivered', READ: 'Read' };
const TICK_MARK: Record<Tick, string> = { pending: '🕓', failed: '!', SENT: '✓', DELIVERED: '✓✓', READ: '✓✓' };

export interface BubbleProps {
  message: Pick<MessageFieldsFragment, 'body' | 'createdAt' | 'editedAt' | 'deletedAt' | 'attachments' | 'author'> & { seq: number | null; clientId: string | null };
  mine: boolean;
  /** In groups, others' messages name their author. */
  showAuthor: boolean;
  tick: Tick | null;
  failure?: { message: string; onRetry: () => void; onDiscard: () => void };
}

/** One message: its text (or that it was deleted), attachments as links, time, and for the viewer's own its tick. */
export function MessageBubble({ message, mine, showAuthor, tick, failure }: BubbleProps) {
  const author = mine ? 'You' : displayName(message.author);
  return (
    <li className={`message ${mine ? 'mine' : 'theirs'}`} data-seq={message.seq ?? undefined} data-client-id={message.clientId ?? undefined} data-tick={tick ?? undefined}>
      <div className="bubble">
        {showAuthor ? <span className="author">{author}</span> : <span className="visually-hidden">{author}: </span>}
        {message.deletedAt ? (
          <p className="body deleted">Message deleted</p>
        ) : (
          <>
            {message.body && <p className="body">{message.body}</p>}
            {message.attachments.length > 0 && (
              <ul className="attachments">
                {message.attachments.map((attachment) => (
                  <li key={attachment.url}>
                    <a href={attachment.url} target="_blank" rel="noreferrer noopener">
                      {attachment.name ?? attachment.url}
                    </a>
                    {attachment.sizeBytes != null && <span className="muted"> ({formatSize(attachment.sizeBytes)})</span>}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
        <span className="meta">
          {message.editedAt && !message.deletedAt && <span>edited · </span>}
          <time dateTime={message.createdAt}>{clockTime(message.createdAt)}</time>
          {tick && (
            <span className={`tick tick-${tick.toLowerCase()}`} role="img" aria-label={TICK_LABEL[tick]} title={TICK_LABEL[tick]}>
              {TICK_MARK[tick]}
            </span>
          )}
        </span>
      </div>
      {failure && (
        <div className="failure" role="alert">
          <span>Not sent: {failure.message}</span>
          <button type="button" className="button button-small" onClick={failure.onRetry}>
            Retry
          </button>
          <button type="button" className="button button-small button-quiet" onClick={failure.onDiscard}>
            Discard
          </button>
        </div>
      )}
    </li>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
