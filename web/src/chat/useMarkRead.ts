import { useMutation } from '@apollo/client/react';
import { useEffect, useSyncExternalStore } from 'react';
import { useServices } from '../messenger/services';
import { MarkChatReadMutation } from './chat.operations';

const subscribeVisibility = (listener: () => void) => {
  document.addEventListener('visibilitychange', listener);
  return () => document.removeEventListener('visibilitychange', listener);
};

export function usePageVisible(): boolean {
  return useSyncExternalStore(subscribeVisibility, () => document.visibilityState === 'visible');
}

/**
 * Marks the chat read up to the newest message shown, while the page is visible and the newest
 * messages are on screen; the chat counts as being read meanwhile, so new messages do not count
 * as unread in the list.
 */
export function useMarkRead(chatId: string, newestSeq: number, readSeq: number, atBottom: boolean): void {
  const { reading } = useServices();
  const visible = usePageVisible();
  const [markRead] = useMutation(MarkChatReadMutation);
  const active = visible && atBottom;
  useEffect(() => {
    reading.set(active ? chatId : null);
    return () => reading.set(null);
  }, [reading, chatId, active]);
  useEffect(() => {
    if (!active || newestSeq <= readSeq) return;
    const timer = setTimeout(() => {
      markRead({ variables: { chatId, upToSeq: newestSeq } }).catch(() => {});
    }, 300);
    return () => clearTimeout(timer);
  }, [active, chatId, newestSeq, readSeq, markRead]);
}
