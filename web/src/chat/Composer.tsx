import { type FormEvent, type KeyboardEvent, useState } from 'react';

const MAX_LENGTH = 4000;

/** The message field: Enter sends, Shift+Enter starts a new line; typing is signalled to the others. */
export function Composer({ onSend, onTyping }: { onSend: (body: string) => void; onTyping: (typing: boolean) => void }) {
  const [text, setText] = useState('');
  const body = text.trim();
  const tooLong = body.length > MAX_LENGTH;

  const send = (event?: FormEvent) => {
    event?.preventDefault();
    if (!body || tooLong) return;
    onSend(body);
    onTyping(false);
    setText('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) send(event);
  };

  return (
    <form className="composer" onSubmit={send}>
      {/* Attachments (issue 11) and replies (issue 12) attach here. */}
      <label htmlFor="composer-text" className="visually-hidden">
        Message
      </label>
      <textarea
        id="composer-text"
        value={text}
        rows={1}
        placeholder="Write a message…"
        onChange={(event) => {
          setText(event.target.value);
          onTyping(event.target.value.trim() !== '');
        }}
        onKeyDown={onKeyDown}
        onBlur={() => onTyping(false)}
        aria-describedby={tooLong ? 'composer-limit' : undefined}
      />
      {tooLong && (
        <span id="composer-limit" className="form-error">
          {body.length - MAX_LENGTH} characters over the limit
        </span>
      )}
      <button type="submit" className="button button-primary" disabled={!body || tooLong}>
        Send
      </button>
    </form>
  );
}
