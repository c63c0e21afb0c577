import { type KeyboardEvent, type RefObject, useEffect, useRef } from 'react';
import { useDismiss } from '../ui/useDismiss';
import { QUICK_REACTIONS } from './reactions';

interface ReactionPickerProps {
  onPick: (emoji: string) => void;
  onClose: () => void;
  /** The button that opens it: a click there toggles it, rather than closing it as a click elsewhere. */
  opener: RefObject<HTMLElement | null>;
}

/**
 * A row of common emoji, focused when it opens: arrows move along it, Escape or a click
 * elsewhere closes it (the opener takes focus back), a choice reacts and closes it.
 */
export function ReactionPicker({ onPick, onClose, opener }: ReactionPickerProps) {
  const group = useRef<HTMLDivElement>(null);
  useDismiss(group, opener, onClose);
  useEffect(() => group.current?.querySelector('button')?.focus(), []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const buttons = [...(group.current?.querySelectorAll('button') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (step !== undefined) {
      event.preventDefault();
      buttons[(at + step + buttons.length) % buttons.length]?.focus();
    }
  };

  return (
    <div className="reaction-picker" role="group" aria-label="Pick a reaction" ref={group} onKeyDown={onKeyDown}>
      {QUICK_REACTIONS.map((emoji) => (
        <button key={emoji} type="button" className="reaction-choice" aria-label={`React with ${emoji}`} onClick={() => onPick(emoji)}>
          {emoji}
        </button>
      ))}
    </div>
  );
}
