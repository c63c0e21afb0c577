import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { PinIcon } from '../ui/icons';
import { PinnedMessagesQuery } from './chat.operations';
import { quoteSnippet } from './quote';

/**
 * The chat's pinned messages under its header, one at a time, most recently pinned first: a
 * click shows it in the history, "Next" goes through the others. Nothing when none is pinned.
 */
export function PinnedBar({ chatId, onShow }: { chatId: string; onShow: (seq: number) => void }) {
  const { data } = useQuery(PinnedMessagesQuery, { variables: { chatId } });
  const [index, setIndex] = useState(0);
  const pinned = data?.chat?.pinnedMessages.edges.map((edge) => edge.node) ?? [];
  if (pinned.length === 0) return null;
  const at = index % pinned.length;
  const message = pinned[at]!;
  return (
    <div className="pinned-bar" role="region" aria-label="Pinned messages">
      <button type="button" className="pinned-message" onClick={() => onShow(message.seq)}>
        <span className="pinned-label">
          <PinIcon size={14} /> Pinned{pinned.length > 1 ? ` (${at + 1} of ${pinned.length})` : ''}
        </span>
        <span className="pinned-text">{quoteSnippet(message)}</span>
      </button>
      {pinned.length > 1 && (
        <button type="button" className="button button-small button-quiet" onClick={() => setIndex(at + 1)} aria-label="Next pinned message">
          Next
        </button>
      )}
    </div>
  );
}
