import { LRUCache } from 'lru-cache';
import type { SessionRevocation } from '../realtime/topics';

/** What authentication needs to know about a session. */
export interface SessionRecord {
  userId: string;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date;
}

export interface SessionCacheOptions {
  /**
   * How long a read session is trusted without a new read. Revocations evict entries at once
   * (locally) or as soon as the event bus delivers them (elsewhere); this lifetime only bounds
   * what a lost event can cost.
   */
  lifetimeMs: number;
  /** Entries kept at most; the least recently used go first. */
  maxEntries: number;
  /** Milliseconds of a monotonic clock (tests move it by hand). */
  now?: () => number;
}

/**
 * A fixed lifetime, whatever Redis's health. Redis pub/sub delivers at most once, and the instance
 * that might miss an event cannot tell: when the *publisher* loses Redis (a partition, a restart
 * between its write and its publish), the subscribers' connections look healthy and nothing is
 * "missed" from their point of view. A lifetime that grew while Redis looked healthy would then
 * keep a revoked session working for that long. One second keeps the bound (2 s when Redis is away)
 * with margin, and costs at most one read per active session per second per instance instead of
 * one per request.
 */
export const SESSION_CACHE_DEFAULTS: SessionCacheOptions = { lifetimeMs: 1_000, maxEntries: 10_000 };

interface Entry {
  session: SessionRecord | null;
}

/**
 * Sessions read from the database, shared across requests: a hit costs no statement; concurrent
 * misses for one session share one read. Revocations evict (`forget`); an entry never outlives the
 * session's expiresAt, so an expired session is read again and refused by what the database says.
 */
export class SessionCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly loading = new Map<string, Promise<SessionRecord | null>>();
  /** Bumped by every revocation: a read that started before one may be stale and is not kept. */
  private generation = 0;
  private readonly options: Required<SessionCacheOptions>;

  constructor(
    private readonly read: (sessionId: string) => Promise<SessionRecord | null>,
    options: Partial<SessionCacheOptions> = {},
  ) {
    this.options = { now: () => performance.now(), ...SESSION_CACHE_DEFAULTS, ...options };
    // ttlResolution 0: staleness is judged by the clock now, not by one read up to a millisecond ago.
    this.entries = new LRUCache<string, Entry>({ max: this.options.maxEntries, ttlResolution: 0, perf: { now: this.options.now } });
  }

  get size(): number {
    return this.entries.size;
  }

  /** The session as the database last said, or null when there is no such session. */
  get(sessionId: string): Promise<SessionRecord | null> {
    const cached = this.entries.get(sessionId);
    if (cached) return Promise.resolve(cached.session);
    return this.loading.get(sessionId) ?? this.load(sessionId);
  }

  /** Evicts the revoked sessions; later requests read them again (and find them revoked). */
  forget({ userId, sessionIds, exceptSessionId }: SessionRevocation): void {
    this.generation += 1;
    // Reads in flight may have started before the revocation's write: requests from now on start
    // their own. (Those already waiting on one arrived before the revocation.)
    this.loading.clear();
    const revoked = sessionIds
      ? sessionIds
      : // A user's sessions are found by a scan: revocations are rare, and the cache is bounded.
        [...this.entries.entries()].filter(([id, entry]) => entry.session?.userId === userId && id !== exceptSessionId).map(([id]) => id);
    for (const sessionId of revoked) this.entries.delete(sessionId);
  }

  private load(sessionId: string): Promise<SessionRecord | null> {
    const generation = this.generation;
    const settled = () => {
      if (this.loading.get(sessionId) === loading) this.loading.delete(sessionId);
    };
    const loading = this.read(sessionId).then(
      (session) => {
        settled();
        if (generation === this.generation) this.keep(sessionId, session);
        return session;
      },
      (error: unknown) => {
        settled();
        throw error;
      },
    );
    this.loading.set(sessionId, loading);
    return loading;
  }

  private keep(sessionId: string, session: SessionRecord | null): void {
    // expiresAt is wall-clock time: Date.now() gives the duration left, which the LRU counts on its clock.
    // A session that has ended (revoked, expired) stays so: refreshing refuses an expired one.
    const left = session && !session.revokedAt ? session.expiresAt.getTime() - Date.now() : Infinity;
    const ttl = left > 0 ? Math.min(this.options.lifetimeMs, left) : this.options.lifetimeMs;
    this.entries.set(sessionId, { session }, { ttl: Math.ceil(ttl) });
  }
}
