import type { QuotedMessage } from './outbox';
import { quoteAuthor, quoteSnippet } from './quote';

/** The message a reply answers, above the reply's text: a click shows the original in the history. */
export function ReplyQuote({ quoted, viewerId, onShow }: { quoted: QuotedMessage; viewerId: string; onShow: (seq: number) => void }) {
  const author = quoteAuthor(quoted, viewerId);
  const snippet = quoteSnippet(quoted);
  return (
    <button type="button" className={`quote ${quoted.deletedAt ? 'quote-deleted' : ''}`} onClick={() => onShow(quoted.seq)} aria-label={`In reply to ${author}: ${snippet}. Show that message.`}>
      <span className="quote-author">{author}</span>
      <span className="quote-text">{snippet}</span>
    </button>
  );
}
