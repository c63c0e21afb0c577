import type { Logger } from 'pino';
import type { PrismaClient } from '../generated/prisma/client';
import type { SessionRecord } from './session-cache';

/** How often a session's lastUsedAt is written: often enough for `sessions`, rarely enough to stay cheap. */
export const TOUCH_INTERVAL_MS = 60_000;

/** Sessions used meanwhile are written together, this long after the first of them. */
const FLUSH_DELAY_MS = 1_000;

/** Sessions per statement, well below PostgreSQL's limit on bind parameters. */
const BATCH_SIZE = 1_000;

/**
 * Keeps sessions' lastUsedAt current off the request's path: a request only notes its session;
 * one statement writes every noted session at most once per TOUCH_INTERVAL_MS.
 */
export class SessionTouches {
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
  ) {}

  /** Notes that `session` was used at `now` (ms since the epoch). */
  used(sessionId: string, session: SessionRecord, now: number): void {
    if (now - session.lastUsedAt.getTime() <= TOUCH_INTERVAL_MS) return;
    // The cached record moves forward too, so the next requests on it do not note it again.
    session.lastUsedAt = new Date(now);
    this.pending.add(sessionId);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS).unref();
  }

  /** Writes what is noted; failures are logged (lastUsedAt is informative, never a reason to fail). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return this.flushing;
    const sessionIds = [...this.pending];
    this.pending = new Set();
    this.flushing = this.flushing
      .then(async () => {
        const now = new Date();
        for (let start = 0; start < sessionIds.length; start += BATCH_SIZE) {
          const id = { in: sessionIds.slice(start, start + BATCH_SIZE) };
          await this.prisma.session.updateMany({ where: { id }, data: { lastUsedAt: now } });
        }
      })
      .then(
        () => {},
        (error: unknown) => this.logger.warn({ err: error, sessions: sessionIds.length }, 'lastUsedAt not written'),
      );
    return this.flushing;
  }
}
