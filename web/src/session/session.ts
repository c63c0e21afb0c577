import type { AuthPayloadFieldsFragment, LogInInput, SignUpInput } from '../gql/graphql';
import { ApiError, postOperation } from './auth-api';
import { DeleteAccountMutation, LogInMutation, LogOutMutation, RefreshSessionMutation, ResetPasswordMutation, SignUpMutation } from './auth.operations';

export type SessionUser = AuthPayloadFieldsFragment['user'];

/** The tokens of a signed-in session, with expiries on this device's clock (milliseconds). */
export interface Tokens {
  accessToken: string;
  accessExpiresAt: number;
  /** How long access tokens live: the refresh happens a share of it before expiry. */
  accessLifetime: number;
  refreshToken: string;
  refreshExpiresAt: number;
  user: SessionUser;
}

/** Why the session is over: the user logged out (here or in another tab), the server ended it, or the account was deleted. */
export type SessionEnd = 'logged-out' | 'expired' | 'deleted';

const STORAGE_KEY = 'parley.session';
const LOCK_NAME = 'parley.session.refresh';
/** A refresh that failed for lack of network is tried again after this. */
const RETRY_MS = 5_000;

/**
 * The signed-in session: kept in localStorage so that it survives reloads, refreshed shortly
 * before the access token expires and whenever the server refuses it. One refresh runs at a time
 * (callers share it), across tabs too: a refresh token works once, and presenting it twice ends
 * the session, so tabs take turns through a Web Lock and pick up each other's new tokens.
 */
export class Session {
  private tokens: Tokens | null;
  private refreshing: Promise<string | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();
  /** Counts every change of tokens: a refusal that arrives after the session moved on is about tokens it no longer holds. */
  private generation = 0;
  /** Set when the session ended, so the sign-in screen can say why. */
  ended: SessionEnd | null = null;

  constructor(
    private readonly storage: Storage = window.localStorage,
    tabs: Pick<Window, 'addEventListener'> = window,
  ) {
    this.tokens = readTokens(storage);
    tabs.addEventListener('storage', (event) => {
      if (event.key === STORAGE_KEY) this.adoptStored();
    });
    this.schedule();
  }

  /** For useSyncExternalStore: the current tokens (a new object whenever they change). */
  readonly snapshot = (): Tokens | null => this.tokens;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  async signUp(input: SignUpInput): Promise<void> {
    const { data, serverTime } = await postOperation(SignUpMutation, { input });
    this.start(data.signUp, serverTime);
  }

  async logIn(input: LogInInput): Promise<void> {
    const { data, serverTime } = await postOperation(LogInMutation, { input });
    this.start(data.logIn, serverTime);
  }

  /**
   * Sets a new password with a reset link's token, and takes the session it answers with, as
   * logIn does: the server ended every other session of the account.
   */
  async resetPassword(token: string, newPassword: string): Promise<void> {
    const previous = this.tokens;
    const { data, serverTime } = await postOperation(ResetPasswordMutation, { token, newPassword });
    this.start(data.resetPassword, serverTime);
    // The link was for another account than the one signed in here: that one's session ends too.
    if (previous && previous.user.id !== data.resetPassword.user.id) void revoke(previous);
  }

  /** Deletes the account (the server ends all its sessions), then the session here, in every tab. */
  async deleteAccount(currentPassword: string, eraseMessages: boolean): Promise<void> {
    const accessToken = await this.accessToken();
    if (!accessToken) throw new ApiError('You are signed out. Log in again to delete your account.', 'UNAUTHENTICATED');
    await postOperation(DeleteAccountMutation, { currentPassword, eraseMessages }, accessToken);
    this.end('deleted');
  }

  /** Ends the session on the server (when it can be reached) and here, in every tab. */
  async logOut(): Promise<void> {
    const tokens = this.tokens;
    if (!tokens) return;
    this.end('logged-out');
    await revoke(tokens);
  }

  /** A token to send now: the current one, or a fresh one when it is about to expire; null when signed out. */
  async accessToken(): Promise<string | null> {
    if (this.refreshing) return this.refreshing;
    if (!this.tokens) return null;
    if (this.tokens.accessExpiresAt - Date.now() > refreshMargin(this.tokens)) return this.tokens.accessToken;
    return this.refresh(this.tokens.accessToken);
  }

  /**
   * A fresh token after the server refused `rejected` (UNAUTHENTICATED over HTTP, 4403 on the
   * socket). When the session already moved past that token, the newer one is the answer.
   */
  refresh(rejected: string | undefined): Promise<string | null> {
    if (!this.tokens) return Promise.resolve(null);
    if (rejected !== undefined && rejected !== this.tokens.accessToken) return Promise.resolve(this.tokens.accessToken);
    this.refreshing ??= withLock(() => this.rotate(rejected)).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async rotate(stale: string | undefined): Promise<string | null> {
    // Another tab may have refreshed while this one waited for the lock.
    const stored = readTokens(this.storage);
    if (stored && stored.accessToken !== stale && stored.accessExpiresAt - Date.now() > refreshMargin(stored)) {
      this.set(stored);
      return stored.accessToken;
    }
    const tokens = stored ?? this.tokens;
    if (!tokens) return null;
    const generation = this.generation;
    try {
      const { data, serverTime } = await postOperation(RefreshSessionMutation, { refreshToken: tokens.refreshToken });
      this.start(data.refreshSession, serverTime);
      return data.refreshSession.accessToken;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') {
        // Unless, meanwhile, a reset link signed in anew or the account was deleted here.
        if (this.generation === generation) this.end('expired');
        return this.tokens?.accessToken ?? null;
      }
      // Offline, or the server is restarting: keep the session and try again soon.
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.refresh(stale).catch(() => {}), RETRY_MS);
      throw error;
    }
  }

  private start(payload: AuthPayloadFieldsFragment, serverTime: number): void {
    const now = Date.now();
    const accessLifetime = Math.max(0, Date.parse(payload.accessTokenExpiresAt) - serverTime);
    const tokens: Tokens = {
      accessToken: payload.accessToken,
      accessExpiresAt: now + accessLifetime,
      accessLifetime,
      refreshToken: payload.refreshToken,
      refreshExpiresAt: now + Math.max(0, Date.parse(payload.refreshTokenExpiresAt) - serverTime),
      user: payload.user,
    };
    this.storage.setItem(STORAGE_KEY, JSON.stringify(tokens));
    this.ended = null;
    this.set(tokens);
  }

  private end(reason: SessionEnd): void {
    this.storage.removeItem(STORAGE_KEY);
    this.ended = reason;
    this.set(null);
  }

  /** Another tab refreshed, signed in or signed out. */
  private adoptStored(): void {
    const stored = readTokens(this.storage);
    if (!stored && this.tokens) this.ended = 'logged-out';
    this.set(stored);
  }

  private set(tokens: Tokens | null): void {
    this.tokens = tokens;
    this.generation += 1;
    this.schedule();
    for (const listener of this.listeners) listener();
  }

  /** The next refresh, a margin before the access token expires (late timers after a sleep are caught by accessToken()). */
  private schedule(): void {
    clearTimeout(this.timer);
    const tokens = this.tokens;
    if (!tokens) return;
    const delay = Math.max(0, tokens.accessExpiresAt - refreshMargin(tokens) - Date.now());
    this.timer = setTimeout(() => void this.refresh(tokens.accessToken).catch(() => {}), delay);
  }
}

/** Refresh when less than a quarter of the token's life, or a minute, is left: whichever is shorter. */
function refreshMargin(tokens: Tokens): number {
  return Math.min(60_000, tokens.accessLifetime / 4);
}

function readTokens(storage: Storage): Tokens | null {
  try {
    const tokens = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Tokens | null;
    return tokens && tokens.refreshExpiresAt > Date.now() ? tokens : null;
  } catch {
    return null;
  }
}

/** Runs `work` while holding the refresh lock shared by this origin's tabs (where Web Locks exist). */
function withLock<T>(work: () => Promise<T>): Promise<T> {
  if (typeof navigator === 'undefined' || !('locks' in navigator)) return work();
  return navigator.locks.request(LOCK_NAME, work) as Promise<T>;
}

/** Ends a session on the server, when it can be reached (a failure leaves it to expire). */
function revoke(tokens: Tokens): Promise<void> {
  const accessToken = tokens.accessExpiresAt > Date.now() ? tokens.accessToken : undefined;
  return postOperation(LogOutMutation, { refreshToken: tokens.refreshToken }, accessToken).then(
    () => {},
    () => {},
  );
}
