import { useSyncExternalStore } from 'react';

/**
 * Where the app is, kept in the URL's hash: `#/chats/<id>` (`#/chats/<id>/<seq>` at one of its
 * messages), `#/people`, `#/account` (the account's settings), or `#/` (the chat list).
 */
export type Route = { view: 'chats'; chatId: string | null; seq: number | null } | { view: 'people' | 'account'; chatId: null; seq: null };

export const ACCOUNT_PATH = '#/account';

export function chatPath(chatId: string, seq?: number): string {
  return `#/chats/${encodeURIComponent(chatId)}${seq ? `/${seq}` : ''}`;
}

export function navigate(hash: string): void {
  window.location.hash = hash;
}

function parse(hash: string): Route {
  const [, view, id, at] = hash.replace(/^#/, '').split('/');
  if (view === 'people' || view === 'account') return { view, chatId: null, seq: null };
  const chatId = view === 'chats' && id ? decodeURIComponent(id) : null;
  const seq = chatId && at && /^\d+$/.test(at) ? Number(at) : null;
  return { view: 'chats', chatId, seq };
}

const subscribe = (listener: () => void) => {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
};

/** The URL's hash, kept across reloads: the signed-in app's routes and the account pages both read it. */
export function useHash(): string {
  return useSyncExternalStore(subscribe, () => window.location.hash);
}

export function useRoute(): Route {
  return parse(useHash());
}
