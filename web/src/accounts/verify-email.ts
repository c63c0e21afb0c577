import { postOperation } from '../session/auth-api';
import { VerifyEmailMutation } from './accounts.operations';

const STORAGE_PREFIX = 'parley.verified-email.';
const verifying = new Map<string, Promise<string | null>>();

/**
 * Verifies the address a link's token was sent to, asking Parley once per token: a token works
 * once, while React's StrictMode runs an effect twice and a reload opens the same link again. The
 * address verified is kept in the tab's sessionStorage, so that a reload shows it again instead
 * of "already used". A refusal is not kept: the page asks again, and says why again.
 */
export function verifyEmailOnce(token: string, storage: Storage = window.sessionStorage): Promise<string | null> {
  const key = STORAGE_PREFIX + token;
  const verified = storage.getItem(key);
  if (verified !== null) return Promise.resolve(verified || null);
  let request = verifying.get(token);
  if (!request) {
    request = postOperation(VerifyEmailMutation, { token })
      .then(({ data }) => {
        storage.setItem(key, data.verifyEmail.email ?? '');
        return data.verifyEmail.email;
      })
      .finally(() => verifying.delete(token));
    verifying.set(token, request);
  }
  return request;
}
