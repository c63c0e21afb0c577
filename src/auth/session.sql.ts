import type { PrismaClient } from '../generated/prisma/client';
import type { SessionRecord } from './session-cache';

/**
 * A session as authentication sees it, read on a cache miss: one primary-key lookup.
 * -- the row as committed: a revocation that has returned to its caller is seen here.
 */
export async function readSession(prisma: PrismaClient, sessionId: string): Promise<SessionRecord | null> {
  const rows = await prisma.$queryRaw<SessionRecord[]>`
    SELECT "userId", "expiresAt", "revokedAt", "lastUsedAt" FROM "Session" WHERE "id" = ${sessionId}`;
  return rows[0] ?? null;
}
