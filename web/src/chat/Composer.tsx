import { type ClipboardEvent, type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { UploadTray } from '../attachments/UploadTray';
import type { FileUploads } from '../attachments/useFileUploads';
import { type Mentionable, mentionedMembers } from '../mentions/mentions';
import { MentionSuggestions } from '../mentions/MentionSuggestions';
import { useMentionPicker } from '../mentions/useMentionPicker';
import { PaperclipIcon } from '../ui/icons';
import type { MessageDraft, QuotedMessage } from './outbox';
import { ReplyPreview } from './ReplyPreview';

const MAX_LENGTH = 4000;

interface ComposerProps {
  viewerId: string;
  /** Who can be mentioned: the chat's members. */
  members: Mentionable[];
  uploads: FileUploads;
  replyTo: QuotedMessage | null;
  onCancelReply: () => void;
  onSend: (draft: MessageDraft) => void;
  onTyping: (typing: boolean) => void;
}

/**
 * The message being written: Enter sends, Shift+Enter starts a new line; `@` offers the members;
 * files come from the button, a paste or a drop on the conversation, and upload at once; the
 * message answered shows above. Typing is signalled to the others.
 */
export function Composer({ viewerId, members, uploads, replyTo, onCancelReply, onSend, onTyping }: ComposerProps) {
  const field = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const pendingCaret = useRef<number | null>(null);
  const picker = useMentionPicker(members, viewerId, text, caret, (next, at) => {
    setText(next);
    setCaret(at);
    pendingCaret.current = at;
  });
  useEffect(() => {
    if (pendingCaret.current === null || !field.current) return;
    field.current.setSelectionRange(pendingCaret.current, pendingCaret.current);
    pendingCaret.current = null;
  }, [text]);
  // Choosing a message to answer puts the viewer in the field.
  useEffect(() => {
    if (replyTo) field.current?.focus();
  }, [replyTo]);

  const body = text.trim();
  const tooLong = body.length > MAX_LENGTH;
  const waiting = uploads.uploading > 0 || uploads.failed > 0;
  const sendable = (body !== '' || uploads.ready.length > 0) && !tooLong && !waiting;

  const send = (event?: FormEvent) => {
    event?.preventDefault();
    if (!sendable) return;
    onSend({ body, attachments: uploads.ready, replyTo, mentions: mentionedMembers(body, members) });
    onTyping(false);
    setText('');
    setCaret(0);
    uploads.clear();
    onCancelReply();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing || picker.onKeyDown(event)) return;
    if (event.key === 'Enter' && !event.shiftKey) send(event);
    else if (event.key === 'Escape' && replyTo) {
      event.preventDefault();
      onCancelReply();
    }
  };
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...event.clipboardData.files];
    if (files.length === 0) return;
    event.preventDefault();
    uploads.add(files);
  };

  const open = picker.suggestions.length > 0;
  const status = tooLong
    ? `${body.length - MAX_LENGTH} characters over the limit`
    : uploads.failed > 0
      ? 'Remove or retry the files that did not upload.'
      : uploads.uploading > 0
        ? `Waiting for ${uploads.uploading} file${uploads.uploading === 1 ? '' : 's'} to upload…`
        : '';

  return (
    <form className="composer" onSubmit={send}>
      {replyTo && <ReplyPreview quoted={replyTo} viewerId={viewerId} onCancel={onCancelReply} />}
      <UploadTray uploads={uploads} />
      <MentionSuggestions picker={picker} />
      <div className="composer-row">
        <input
          id="composer-files"
          className="visually-hidden file-input"
          type="file"
          multiple
          onChange={(event) => {
            uploads.add([...(event.target.files ?? [])]);
            // The same file may be picked again after it was removed.
            event.target.value = '';
          }}
        />
        <label htmlFor="composer-files" className="button attach" title="Attach files">
          <PaperclipIcon />
          <span className="visually-hidden">Attach files</span>
        </label>
        <label htmlFor="composer-text" className="visually-hidden">
          Message
        </label>
        <textarea
          id="composer-text"
          ref={field}
          value={text}
          rows={1}
          placeholder="Write a message…"
          onChange={(event) => {
            setText(event.target.value);
            setCaret(event.target.selectionStart);
            onTyping(event.target.value.trim() !== '');
          }}
          onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onBlur={() => onTyping(false)}
          aria-autocomplete="list"
          aria-controls={open ? picker.listId : undefined}
          aria-activedescendant={open ? picker.optionId(picker.active) : undefined}
          aria-describedby={status ? 'composer-status' : undefined}
        />
        <button type="submit" className="button button-primary" disabled={!sendable}>
          Send
        </button>
      </div>
      <span id="composer-status" className={tooLong || uploads.failed > 0 ? 'composer-status form-error' : 'composer-status'} role="status">
        {status}
      </span>
    </form>
  );
}
