import { UnauthenticatedError } from '../errors/errors';
import type { EventBus } from '../realtime/pubsub';
import type { SessionCache } from './session-cache';
import type { SessionTouches } from './session-touches';
import type { AccessTokens } from './tokens';

export interface Viewer {
  userId: string;
  sessionId: string;
  accessTokenExpiresAt: Date;
}

/**
 * Turns a bearer token into a viewer, checking on every call that its session is still live.
 * Sessions come from a cache that every instance's revocations reach through the event bus.
 */
export class Authenticator {
  private readonly stopListening: () => void;

  constructor(
    private readonly tokens: AccessTokens,
    private readonly sessions: SessionCache,
    private readonly touches: SessionTouches,
    bus: EventBus,
  ) {
    this.stopListening = bus.listen('session.revoked', (revocation) => sessions.forget(revocation));
  }

  /** null without credentials; UNAUTHENTICATED for bad, expired or revoked ones. */
  async authenticate(authorization: string | undefined): Promise<Viewer | null> {
    if (authorization === undefined || authorization.trim() === '') return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <accessToken>".');
    return this.verify(match[1]!);
  }

  async verify(accessToken: string): Promise<Viewer> {
    const claims = await this.tokens.verify(accessToken);
    return this.recheck({ userId: claims.userId, sessionId: claims.sessionId, accessTokenExpiresAt: claims.expiresAt });
  }

  /**
   * The viewer of a token verified earlier (a socket's, checked when it signed in), if its session
   * is still live: the token itself needs no second check, since the socket closes when it expires.
   */
  async recheck(viewer: Viewer): Promise<Viewer> {
    const session = await this.sessions.get(viewer.sessionId);
    const now = Date.now();
    if (!session || session.userId !== viewer.userId || session.revokedAt || session.expiresAt.getTime() <= now) {
      throw new UnauthenticatedError('This session has ended; sign in again.');
    }
    this.touches.used(viewer.sessionId, session, now);
    return viewer;
  }

  /** Stops following revocations and writes the pending lastUsedAt (before the database closes). */
  async close(): Promise<void> {
    this.stopListening();
    await this.touches.flush();
  }
}
