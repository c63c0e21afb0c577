import type { RefObject } from 'react';
import { PinIcon, ReplyIcon, SmileIcon } from '../ui/icons';

interface MessageActionsProps {
  onReply: () => void;
  onReact: () => void;
  picking: boolean;
  reactButton: RefObject<HTMLButtonElement | null>;
  /** Null when the viewer may not pin in this chat (a group's plain member). */
  onTogglePin: (() => void) | null;
  pinned: boolean;
}

/**
 * What the viewer can do with a message: shown beside it on hover, and while it or one of these
 * buttons has focus (a tap on a touch screen focuses the message; styles.css).
 */
export function MessageActions({ onReply, onReact, picking, reactButton, onTogglePin, pinned }: MessageActionsProps) {
  return (
    <div className="message-actions" role="group" aria-label="Message actions">
      <button type="button" className="action" onClick={onReply} aria-label="Reply" title="Reply">
        <ReplyIcon />
      </button>
      <button type="button" className="action" ref={reactButton} onClick={onReact} aria-label="Add a reaction" aria-expanded={picking} title="Add a reaction">
        <SmileIcon />
      </button>
      {onTogglePin && (
        <button type="button" className="action" onClick={onTogglePin} aria-label="Pin" aria-pressed={pinned} title={pinned ? 'Unpin' : 'Pin'}>
          <PinIcon />
        </button>
      )}
    </div>
  );
}
