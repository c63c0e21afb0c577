import { useHash } from '../messenger/useRoute';

/**
 * The pages that work signed in or not: the links Parley mails (`#/verify-email?token=…`,
 * `#/reset-password?token=…`, the token in the fragment so that no server logs it) and asking for
 * a reset link (`#/forgot-password`). `token` is null when the link lost it.
 */
export type AccountPage = { page: 'verify-email'; token: string | null } | { page: 'reset-password'; token: string | null } | { page: 'forgot-password' };

export const FORGOT_PASSWORD_PATH = '#/forgot-password';

export function parseAccountPage(hash: string): AccountPage | null {
  const [path = '', query = ''] = hash.replace(/^#/, '').split(/\?(.*)/s);
  const page = path.replace(/\/+$/, '');
  if (page === '/forgot-password') return { page: 'forgot-password' };
  if (page !== '/verify-email' && page !== '/reset-password') return null;
  // A mail client may wrap the link or add spaces; a token never holds any.
  const token = new URLSearchParams(query).get('token')?.replace(/\s+/g, '') || null;
  return { page: page === '/verify-email' ? 'verify-email' : 'reset-password', token };
}

export function useAccountPage(): AccountPage | null {
  return parseAccountPage(useHash());
}

/** Leaves a link's page for `hash`, replacing it in the history: Back should not open a spent link again. */
export function leaveAccountPage(hash = '#/'): void {
  window.location.replace(hash);
}
