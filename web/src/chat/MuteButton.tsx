import { useMutation } from '@apollo/client/react';
import { type RefObject, useCallback, useId, useRef, useState } from 'react';
import { chatCacheId } from '../chats/chat-cache';
import type { ChatListFieldsFragment } from '../gql/graphql';
import { describeError } from '../ui/errors';
import { BellIcon } from '../ui/icons';
import { useDismiss } from '../ui/useDismiss';
import { MuteChatMutation } from './chat.operations';

const HOUR = 3_600_000;
const DURATIONS = [
  { label: 'For 1 hour', ms: HOUR },
  { label: 'For 8 hours', ms: 8 * HOUR },
  { label: 'For a week', ms: 7 * 24 * HOUR },
];

/**
 * Mutes the chat for the viewer for a while (a choice of durations), or unmutes it. The answer is
 * the viewer's membership, which has no id of its own: it is written into the chat by hand.
 */
export function MuteButton({ chat, muted }: { chat: ChatListFieldsFragment; muted: boolean }) {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const popup = useRef<HTMLDivElement>(null);
  const popupId = useId();
  // Closing (a choice, Escape, a press elsewhere) gives focus back to the button.
  const close = useCallback(() => {
    setOpen(false);
    opener.current?.focus();
  }, []);
  const [mute, { loading }] = useMutation(MuteChatMutation, {
    update: (cache, { data }) => {
      if (!data) return;
      cache.modify({ id: chatCacheId(cache, chat.id), fields: { viewerMembership: (existing) => ({ ...(existing as object), mutedUntil: data.muteChat.mutedUntil }) } });
    },
    onError: (error) => window.alert(`Changing notifications failed: ${describeError(error).message}`),
  });
  const muteUntil = (until: string | null) => {
    close();
    void mute({ variables: { chatId: chat.id, until } });
  };

  if (muted) {
    return (
      <button type="button" className="button button-quiet icon-button" onClick={() => muteUntil(null)} disabled={loading} title="Unmute">
        <BellIcon off />
        <span className="visually-hidden">Unmute</span>
      </button>
    );
  }
  return (
    <div className="popup-anchor">
      <button type="button" ref={opener} className="button button-quiet icon-button" onClick={() => setOpen((value) => !value)} aria-expanded={open} aria-controls={popupId} disabled={loading} title="Mute">
        <BellIcon />
        <span className="visually-hidden">Mute</span>
      </button>
      {open && <MuteChoices id={popupId} popup={popup} opener={opener} onClose={close} onChoose={(ms) => muteUntil(new Date(Date.now() + ms).toISOString())} />}
    </div>
  );
}

interface MuteChoicesProps {
  id: string;
  popup: RefObject<HTMLDivElement | null>;
  opener: RefObject<HTMLButtonElement | null>;
  onClose: () => void;
  onChoose: (ms: number) => void;
}

function MuteChoices({ id, popup, opener, onClose, onChoose }: MuteChoicesProps) {
  useDismiss(popup, opener, onClose);
  return (
    <div className="popup" id={id} ref={popup} role="group" aria-label="Mute this chat">
      {DURATIONS.map(({ label, ms }) => (
        <button key={label} type="button" className="popup-item" onClick={() => onChoose(ms)}>
          {label}
        </button>
      ))}
    </div>
  );
}
