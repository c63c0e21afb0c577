import { useMutation, useSubscription } from '@apollo/client/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { SetTypingMutation, TypingSubscription } from './chat.operations';

/** Parley ends a typing signal 6 s after its last repeat: repeat every 4 s while typing. */
const REPEAT_MS = 4_000;
/** Without a word from the server (a lost `isTyping: false`), a typist is forgotten after this. */
const FORGET_MS = 8_000;

export interface Typist {
  id: string;
  name: string;
}

/** Who else is typing in the chat, from the `typing` subscription. */
export function useTypists(chatId: string): Typist[] {
  const [typists, setTypists] = useState<Map<string, Typist & { until: number }>>(new Map());
  useSubscription(TypingSubscription, {
    variables: { chatId },
    ignoreResults: true,
    onData: ({ data }) => {
      const event = data.data?.typing;
      if (!event) return;
      setTypists((current) => {
        const next = new Map(current);
        if (event.isTyping) next.set(event.user.id, { id: event.user.id, name: event.user.displayName ?? event.user.username, until: Date.now() + FORGET_MS });
        else next.delete(event.user.id);
        return next;
      });
    },
  });
  useEffect(() => {
    if (typists.size === 0) return;
    const timer = setInterval(() => {
      setTypists((current) => new Map([...current].filter(([, typist]) => typist.until > Date.now())));
    }, 1_000);
    return () => clearInterval(timer);
  }, [typists.size]);
  return [...typists.values()];
}

/** Tells the others while the viewer types: a signal when typing starts, repeated, and an end when the text is sent or cleared. */
export function useTypingSignal(chatId: string): (typing: boolean) => void {
  const [setTyping] = useMutation(SetTypingMutation);
  const lastSent = useRef<{ typing: boolean; at: number }>({ typing: false, at: 0 });
  const signal = useCallback(
    (typing: boolean) => {
      const last = lastSent.current;
      if (typing === last.typing && (!typing || Date.now() - last.at < REPEAT_MS)) return;
      lastSent.current = { typing, at: Date.now() };
      // A lost signal matters little: it expires by itself.
      setTyping({ variables: { chatId, isTyping: typing } }).catch(() => {});
    },
    [chatId, setTyping],
  );
  useEffect(() => () => signal(false), [signal]);
  return signal;
}
