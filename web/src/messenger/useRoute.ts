import { useSyncExternalStore } from 'react';

/** Where the app is, kept in the URL's hash: `#/chats/<id>`, `#/people`, or `#/` (the chat list). */
export type Route = { view: 'chats'; chatId: string | null } | { view: 'people'; chatId: null };

export function chatPath(chatId: string): string {
  return `#/chats/${encodeURIComponent(chatId)}`;
}

export function navigate(hash: string): void {
  window.location.hash = hash;
}

function parse(hash: string): Route {
  const [, view, id] = hash.replace(/^#/, '').split('/');
  if (view === 'people') return { view: 'people', chatId: null };
  return { view: 'chats', chatId: view === 'chats' && id ? decodeURIComponent(id) : null };
}

const subscribe = (listener: () => void) => {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
};

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parse(hash);
}
