import type { Viewer } from '../../auth/authenticator';
import type { SessionCache } from '../../auth/session-cache';
import { type AccessTokens, hashRefreshToken, newRefreshToken } from '../../auth/tokens';
import { UnauthenticatedError } from '../../errors/errors';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import type { EventPublisher, SessionRevocation } from '../../realtime/topics';
import type { RateLimits } from '../../server/rate-limits';
import { toUser, userColumns } from '../users/user.type';
import type { AuthPayload, Session } from './auth.type';

const USER_AGENT_MAX = 512;

/** Sessions and their tokens: issuing, rotating (with reuse detection) and revoking. */
export class SessionService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly accessTokens: AccessTokens,
    private readonly refreshTtlSeconds: number,
    private readonly events: EventPublisher,
    private readonly rateLimits: RateLimits,
    private readonly cache: Pick<SessionCache, 'forget'>,
  ) {}

  /** Starts a session for a user who just proved who they are. */
  async start(userId: string, userAgent: string | undefined, db: Prisma.TransactionClient = this.prisma): Promise<AuthPayload> {
    const refresh = newRefreshToken();
    const expiresAt = this.refreshExpiry();
    const session = await db.session.create({
      data: {
        userId,
        userAgent: userAgent?.slice(0, USER_AGENT_MAX) ?? null,
        expiresAt,
        refreshTokens: { create: { tokenHash: refresh.hash } },
      },
      select: { id: true, user: { select: userColumns } },
    });
    return this.payload(session.id, session.user, refresh.token, expiresAt);
  }

  /** Exchanges a refresh token for new tokens. A token presented twice ends its session. */
  async refresh(refreshToken: string): Promise<AuthPayload> {
    const tokenHash = hashRefreshToken(refreshToken);
    const now = new Date();
    const found = await this.prisma.refreshToken.findUnique({
      where: { tokenHash },
      select: { sessionId: true, session: { select: { userId: true, revokedAt: true, expiresAt: true } } },
    });
    if (!found) throw new UnauthenticatedError('Invalid refresh token.');
    await this.rateLimits.consume('refreshesPerSession', found.sessionId);
    if (found.session.revokedAt || found.session.expiresAt <= now) {
      throw new UnauthenticatedError('This session has ended; sign in again.');
    }
    const next = newRefreshToken();
    const expiresAt = this.refreshExpiry();
    const rotated = await this.prisma.$transaction(async (tx) => {
      // Only one presenter of a token can claim it; a second (a replayed, stolen token) finds it used.
      const claimed = await tx.refreshToken.updateMany({ where: { tokenHash, rotatedAt: null }, data: { rotatedAt: now } });
      if (claimed.count === 0) return null;
      await tx.refreshToken.create({ data: { tokenHash: next.hash, sessionId: found.sessionId } });
      return tx.session.update({
        where: { id: found.sessionId },
        data: { expiresAt, lastUsedAt: now },
        select: { user: { select: userColumns } },
      });
    });
    if (!rotated) {
      await this.revoke({ userId: found.session.userId, sessionIds: [found.sessionId] });
      throw new UnauthenticatedError('This refresh token was already used; the session has been ended. Sign in again.');
    }
    return this.payload(found.sessionId, rotated.user, next.token, expiresAt);
  }

  /** Revokes the viewer's session that the refresh token belongs to; false when it is none of theirs. */
  async logOut(viewer: Viewer, refreshToken: string): Promise<boolean> {
    const found = await this.prisma.refreshToken.findUnique({
      where: { tokenHash: hashRefreshToken(refreshToken) },
      select: { session: { select: { id: true, userId: true, revokedAt: true } } },
    });
    if (!found || found.session.userId !== viewer.userId || found.session.revokedAt) return false;
    await this.revoke({ userId: viewer.userId, sessionIds: [found.session.id] });
    return true;
  }

  async logOutEverywhere(viewer: Viewer): Promise<boolean> {
    await this.revoke({ userId: viewer.userId });
    return true;
  }

  async revokeOthers(viewer: Viewer): Promise<void> {
    await this.revoke({ userId: viewer.userId, exceptSessionId: viewer.sessionId });
  }

  async list(viewer: Viewer): Promise<Session[]> {
    const sessions = await this.prisma.session.findMany({
      where: { userId: viewer.userId, revokedAt: null, expiresAt: { gt: new Date() } },
      orderBy: [{ lastUsedAt: 'desc' }, { id: 'desc' }],
      select: { id: true, createdAt: true, lastUsedAt: true, userAgent: true },
    });
    return sessions.map((session) => ({ ...session, current: session.id === viewer.sessionId }));
  }

  /**
   * Ends sessions in the database, then in this instance's session cache at once (with Redis the
   * event comes back only after a round trip, or not at all during an outage), then on every
   * instance through the event bus: their caches, and the open sockets.
   */
  private async revoke(revocation: SessionRevocation): Promise<void> {
    const { userId, sessionIds, exceptSessionId } = revocation;
    const id = sessionIds ? { in: sessionIds } : exceptSessionId ? { not: exceptSessionId } : undefined;
    await this.prisma.session.updateMany({ where: { userId, id, revokedAt: null }, data: { revokedAt: new Date() } });
    this.announce(revocation);
  }

  /** Ends every live session of the user inside `tx` (a new password); `announce` what it returns once `tx` commits. */
  async endAllIn(tx: Prisma.TransactionClient, userId: string): Promise<SessionRevocation> {
    const live = await tx.session.findMany({ where: { userId, revokedAt: null }, select: { id: true } });
    const sessionIds = live.map((session) => session.id);
    await tx.session.updateMany({ where: { userId, id: { in: sessionIds } }, data: { revokedAt: new Date() } });
    return { userId, sessionIds };
  }

  /** Sessions ended in the database are ended here at once, then on every instance: their caches, and the open sockets. */
  announce(revocation: SessionRevocation): void {
    this.cache.forget(revocation);
    this.events.publish('session.revoked', revocation);
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.refreshTtlSeconds * 1000);
  }

  private async payload(
    sessionId: string,
    user: Parameters<typeof toUser>[0],
    refreshToken: string,
    refreshTokenExpiresAt: Date,
  ): Promise<AuthPayload> {
    const access = await this.accessTokens.sign(user.id, sessionId);
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt,
      user: toUser(user, user.id),
    };
  }
}
