import type { PrismaClient } from '../generated/prisma/client';
import { UnauthenticatedError } from '../errors/errors';
import type { AccessTokens } from './tokens';

export interface Viewer {
  userId: string;
  sessionId: string;
  accessTokenExpiresAt: Date;
}

/** How often a session's lastUsedAt is written: often enough for `sessions`, rarely enough to stay cheap. */
const TOUCH_INTERVAL_MS = 60_000;

/** Turns a bearer token into a viewer, checking on every call that its session is still live. */
export class Authenticator {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly tokens: AccessTokens,
  ) {}

  /** null without credentials; UNAUTHENTICATED for bad, expired or revoked ones. */
  async authenticate(authorization: string | undefined): Promise<Viewer | null> {
    if (authorization === undefined || authorization.trim() === '') return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <accessToken>".');
    return this.verify(match[1]!);
  }

  async verify(accessToken: string): Promise<Viewer> {
    const claims = await this.tokens.verify(accessToken);
    const now = new Date();
    const session = await this.prisma.session.findUnique({
      where: { id: claims.sessionId },
      select: { userId: true, revokedAt: true, expiresAt: true, lastUsedAt: true },
    });
    if (!session || session.userId !== claims.userId || session.revokedAt || session.expiresAt <= now) {
      throw new UnauthenticatedError('This session has ended; sign in again.');
    }
    if (now.getTime() - session.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await this.prisma.session.update({ where: { id: claims.sessionId }, data: { lastUsedAt: now } });
    }
    return { userId: claims.userId, sessionId: claims.sessionId, accessTokenExpiresAt: claims.expiresAt };
  }
}
