import type { QuotedMessage } from './outbox';
import { quoteAuthor, quoteSnippet } from './quote';

/** Above the text field while a reply is written: the message it answers, and a way out (also Escape). */
export function ReplyPreview({ quoted, viewerId, onCancel }: { quoted: QuotedMessage; viewerId: string; onCancel: () => void }) {
  return (
    <div className="reply-preview" data-testid="reply-preview">
      <span className="reply-preview-text">
        <span className="quote-author">Replying to {quoteAuthor(quoted, viewerId)}</span>
        <span className="quote-text">{quoteSnippet(quoted)}</span>
      </span>
      <button type="button" className="button button-small button-quiet" onClick={onCancel} aria-label="Cancel the reply">
        ✕
      </button>
    </div>
  );
}
