import { useCallback, useRef, useState } from 'react';
import { MessageAttachments } from '../attachments/MessageAttachments';
import { displayName } from '../chats/chat-display';
import type { MessageFieldsFragment } from '../gql/graphql';
import { ReactionBar } from '../reactions/ReactionBar';
import { ReactionPicker } from '../reactions/ReactionPicker';
import type { ReactionGroup } from '../reactions/reactions';
import { describeError } from '../ui/errors';
import { PinIcon } from '../ui/icons';
import { clockTime } from '../ui/time';
import { MessageActions } from './MessageActions';
import { MessageText } from './MessageText';
import type { QuotedMessage } from './outbox';
import { ReplyQuote } from './ReplyQuote';
import type { Tick } from './ticks';

const TICK_LABEL: Record<Tick, string> = { pending: 'Sending', failed: 'Not sent', SENT: 'Sent', DELIVERED: 'Delivered', READ: 'Read' };
const TICK_MARK: Record<Tick, string> = { pending: '🕓', failed: '!', SENT: '✓', DELIVERED: '✓✓', READ: '✓✓' };

export type BubbleMessage = Omit<MessageFieldsFragment, '__typename' | 'seq'> & { seq: number | null; reactions: readonly ReactionGroup[] };

/** What the conversation does when the viewer acts on a message. */
export interface MessageHandlers {
  reply(message: QuotedMessage): void;
  /** Brings the message with this seq into view (a quote's original). */
  show(seq: number): void;
  toggleReaction(messageId: string, groups: readonly ReactionGroup[], emoji: string): Promise<void>;
  /** Null when the viewer may not pin messages of this chat. */
  togglePin: ((messageId: string, pinned: boolean) => Promise<void>) | null;
}

export interface BubbleProps {
  message: BubbleMessage;
  mine: boolean;
  viewerId: string;
  /** In groups, others' messages name their author. */
  showAuthor: boolean;
  tick: Tick | null;
  handlers: MessageHandlers;
  /** Set on a message of the viewer's that is still on its way or was refused. */
  unsent?: boolean;
  failure?: { message: string; onRetry: () => void; onDiscard: () => void };
}

/**
 * One message: what it answers, its text with mentions, its files, time and (for the viewer's
 * own) tick, its reactions, and what the viewer can do with it once it is stored.
 */
export function MessageBubble({ message, mine, viewerId, showAuthor, tick, handlers, unsent = false, failure }: BubbleProps) {
  const author = mine ? 'You' : displayName(message.author);
  const [picking, setPicking] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const reactButton = useRef<HTMLButtonElement>(null);
  const closePicker = useCallback(() => {
    setPicking(false);
    reactButton.current?.focus();
  }, []);
  const attempt = (what: string, work: Promise<void>) => {
    setProblem(null);
    work.catch((error: unknown) => setProblem(`${what} failed: ${describeError(error).message}`));
  };
  const react = (emoji: string) => attempt('Reacting', handlers.toggleReaction(message.id, message.reactions, emoji));
  const actionable = !unsent && !message.deletedAt;
  const togglePin = handlers.togglePin;
  const mentionsViewer = !mine && message.mentions.some((user) => user.id === viewerId);

  return (
    <li
      className={`message ${mine ? 'mine' : 'theirs'} ${mentionsViewer ? 'mentions-viewer' : ''}`}
      data-message-id={message.id}
      data-seq={message.seq ?? undefined}
      data-client-id={message.clientId ?? undefined}
      data-tick={tick ?? undefined}
      tabIndex={-1}
    >
      <div className="message-row">
        <div className="bubble">
          {showAuthor ? <span className="author">{author}</span> : <span className="visually-hidden">{author}: </span>}
          {message.replyTo && <ReplyQuote quoted={message.replyTo} viewerId={viewerId} onShow={handlers.show} />}
          {message.deletedAt ? (
            <p className="body deleted">Message deleted</p>
          ) : (
            <>
              {message.body && <MessageText body={message.body} mentions={message.mentions} viewerId={viewerId} />}
              {message.attachments.length > 0 && (
                <MessageAttachments attachments={message.attachments} source={unsent ? null : { chatId: message.chat.id, createdAt: message.createdAt }} />
              )}
            </>
          )}
          <span className="meta">
            {message.pinnedAt && (
              <span className="pinned-mark" role="img" aria-label="Pinned" title="Pinned">
                <PinIcon size={12} />
              </span>
            )}
            {message.editedAt && !message.deletedAt && <span>edited · </span>}
            <time dateTime={message.createdAt}>{clockTime(message.createdAt)}</time>
            {tick && (
              <span className={`tick tick-${tick.toLowerCase()}`} role="img" aria-label={TICK_LABEL[tick]} title={TICK_LABEL[tick]}>
                {TICK_MARK[tick]}
              </span>
            )}
          </span>
        </div>
        {actionable && (
          <MessageActions
            onReply={() => handlers.reply({ id: message.id, seq: message.seq ?? 0, body: message.body, deletedAt: message.deletedAt, author: message.author })}
            onReact={() => setPicking((open) => !open)}
            picking={picking}
            reactButton={reactButton}
            onTogglePin={togglePin && (() => attempt(message.pinnedAt ? 'Unpinning' : 'Pinning', togglePin(message.id, !message.pinnedAt)))}
            pinned={Boolean(message.pinnedAt)}
          />
        )}
      </div>
      {picking && (
        <ReactionPicker
          opener={reactButton}
          onClose={closePicker}
          onPick={(emoji) => {
            closePicker();
            react(emoji);
          }}
        />
      )}
      <ReactionBar groups={message.reactions} viewerId={viewerId} onToggle={actionable ? react : undefined} />
      {problem && (
        <p className="failure" role="alert">
          {problem}
        </p>
      )}
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
