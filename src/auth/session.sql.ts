import type { Sql } from '../db/sql';
import type { SessionRecord } from './session-cache';

/**
 * A session as authentication sees it, read on a cache miss: one primary-key lookup.
 * -- the row as committed: a revocation that has returned to its caller is seen here.
 */
const SESSION_BY_ID = `SELECT "userId", "expiresAt", "revokedAt", "lastUsedAt" FROM "Session" WHERE "id" = $1`;

export async function readSession(sql: Sql, sessionId: string): Promise<SessionRecord | null> {
  const [row] = await sql.query<SessionRecord>(SESSION_BY_ID, [sessionId]);
  return row ?? null;
}
