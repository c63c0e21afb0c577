import { useSyncExternalStore } from 'react';

/**
 * Where the app is, kept in the URL's hash: `#/chats/<id>` (`#/chats/<id>/<seq>` at one of its
 * messages), `#/people`, or `#/` (the chat list).
 */
export type Route = { view: 'chats'; chatId: string | null; seq: number | null } | { view: 'people'; chatId: null; seq: null };

export function chatPath(chatId: string, seq?: number): string {
  return `#/chats/${encodeURIComponent(chatId)}${seq ? `/${seq}` : ''}`;
}

export function navigate(hash: string): void {
  window.location.hash = hash;
}

function parse(hash: string): Route {
  const [, view, id, at] = hash.replace(/^#/, '').split('/');
  if (view === 'people') return { view: 'people', chatId: null, seq: null };
  const chatId = view === 'chats' && id ? decodeURIComponent(id) : null;
  const seq = chatId && at && /^\d+$/.test(at) ? Number(at) : null;
  return { view: 'chats', chatId, seq };
}

const subscribe = (listener: () => void) => {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
};

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parse(hash);
}
