import type { Typist } from './useTyping';

/** A polite live region: announced by screen readers, never stealing focus. */
export function TypingIndicator({ typists }: { typists: Typist[] }) {
  const names = typists.map((typist) => typist.name);
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : names.length === 2
          ? `${names[0]} and ${names[1]} are typing…`
          : `${names.length} people are typing…`;
  return (
    <div className="typing" aria-live="polite" data-testid="typing">
      {text}
    </div>
  );
}
