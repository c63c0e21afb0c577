import { describe, expect, it } from 'vitest';
import { SessionCache, type SessionRecord } from '../../../src/auth/session-cache';

/** A database of sessions that counts reads and can hold them until the test lets them finish. */
function fakeDatabase() {
  const rows = new Map<string, SessionRecord>();
  const held: (() => void)[] = [];
  let holding = false;
  const database = {
    rows,
    reads: 0,
    hold: () => (holding = true),
    /** Lets the held reads finish, the last started first (the race a stale read could win). */
    release: () => {
      holding = false;
      for (const finish of held.splice(0).reverse()) finish();
    },
    read: async (sessionId: string): Promise<SessionRecord | null> => {
      database.reads += 1;
      // What the row is when the read starts, as a statement's snapshot.
      const row = rows.get(sessionId);
      const snapshot = row ? { ...row } : null;
      if (holding) await new Promise<void>((resolve) => held.push(resolve));
      return snapshot;
    },
  };
  return database;
}

function session(userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return { userId, expiresAt: new Date(Date.now() + 3_600_000), revokedAt: null, lastUsedAt: new Date(), ...overrides };
}

function setUp(options: { lifetimeMs?: number; maxEntries?: number } = {}) {
  const database = fakeDatabase();
  let now = 1_000;
  const cache = new SessionCache(database.read, { lifetimeMs: 1_000, maxEntries: 100, ...options, now: () => now });
  return { database, cache, advance: (ms: number) => (now += ms) };
}

const revoke = (row: SessionRecord) => (row.revokedAt = new Date());

describe('SessionCache', () => {
  it('reads a session once and answers from memory until its lifetime ends', async () => {
    const { database, cache, advance } = setUp();
    database.rows.set('s1', session('u1'));
    expect(await cache.get('s1')).toMatchObject({ userId: 'u1', revokedAt: null });
    advance(999);
    await cache.get('s1');
    expect(database.reads).toBe(1);
    advance(2);
    await cache.get('s1');
    expect(database.reads).toBe(2);
  });

  it('shares one read among concurrent misses for the same session', async () => {
    const { database, cache } = setUp();
    database.rows.set('s1', session('u1'));
    database.hold();
    const waiting = Array.from({ length: 5 }, () => cache.get('s1'));
    database.release();
    const sessions = await Promise.all(waiting);
    expect(database.reads).toBe(1);
    expect(sessions.every((found) => found?.userId === 'u1')).toBe(true);
  });

  it('remembers that a session does not exist, for the lifetime only', async () => {
    const { database, cache, advance } = setUp();
    expect(await cache.get('nobody')).toBeNull();
    expect(await cache.get('nobody')).toBeNull();
    expect(database.reads).toBe(1);
    advance(1_001);
    database.rows.set('nobody', session('u1'));
    expect(await cache.get('nobody')).toMatchObject({ userId: 'u1' });
  });

  it('does not keep an entry past the session’s expiresAt, however long the lifetime', async () => {
    const { database, cache, advance } = setUp({ lifetimeMs: 60_000 });
    database.rows.set('s1', session('u1', { expiresAt: new Date(Date.now() + 500) }));
    await cache.get('s1');
    advance(400);
    await cache.get('s1');
    expect(database.reads).toBe(1);
    advance(200);
    await cache.get('s1');
    expect(database.reads).toBe(2);
  });

  it('evicts the listed sessions of a revocation, and no other', async () => {
    const { database, cache } = setUp({ lifetimeMs: 60_000 });
    for (const id of ['s1', 's2']) database.rows.set(id, session('u1'));
    await Promise.all([cache.get('s1'), cache.get('s2')]);
    revoke(database.rows.get('s1')!);
    cache.forget({ userId: 'u1', sessionIds: ['s1'] });
    expect((await cache.get('s1'))?.revokedAt).toBeInstanceOf(Date);
    expect((await cache.get('s2'))?.revokedAt).toBeNull();
    expect(database.reads).toBe(3);
  });

  it('evicts every session of the user but the excepted one, and leaves other users alone', async () => {
    const { database, cache } = setUp({ lifetimeMs: 60_000 });
    for (const [id, userId] of [['a1', 'ada'], ['a2', 'ada'], ['a3', 'ada'], ['b1', 'bob']] as const) database.rows.set(id, session(userId));
    for (const id of ['a1', 'a2', 'a3', 'b1']) await cache.get(id);
    cache.forget({ userId: 'ada', exceptSessionId: 'a2' });
    expect(cache.size).toBe(2);
    for (const id of ['a2', 'b1']) await cache.get(id);
    expect(database.reads).toBe(4);
    cache.forget({ userId: 'ada' });
    expect(cache.size).toBe(1);
  });

  it('does not keep a read that started before a revocation, and starts a new one for later requests', async () => {
    const { database, cache } = setUp({ lifetimeMs: 60_000 });
    const row = session('u1');
    database.rows.set('s1', row);
    database.hold();
    const before = cache.get('s1');
    revoke(row);
    cache.forget({ userId: 'u1', sessionIds: ['s1'] });
    const after = cache.get('s1');
    database.release();
    expect((await before)?.revokedAt).toBeNull();
    expect((await after)?.revokedAt).toBeInstanceOf(Date);
    expect((await cache.get('s1'))?.revokedAt).toBeInstanceOf(Date);
    expect(database.reads).toBe(2);
  });

  it('holds at most maxEntries sessions, dropping the least recently used', async () => {
    const { database, cache } = setUp({ maxEntries: 3, lifetimeMs: 60_000 });
    for (const id of ['s1', 's2', 's3', 's4']) database.rows.set(id, session('u1'));
    for (const id of ['s1', 's2', 's3']) await cache.get(id);
    await cache.get('s1');
    await cache.get('s4');
    expect(cache.size).toBe(3);
    const reads = database.reads;
    for (const id of ['s1', 's3', 's4']) await cache.get(id);
    expect(database.reads).toBe(reads);
    await cache.get('s2');
    expect(database.reads).toBe(reads + 1);
  });

  it('passes a failed read to every waiting request and keeps nothing', async () => {
    let reads = 0;
    const cache = new SessionCache(async () => {
      reads += 1;
      throw new Error('database unavailable');
    });
    const results = await Promise.allSettled([cache.get('s1'), cache.get('s1')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(reads).toBe(1);
    await expect(cache.get('s1')).rejects.toThrow('database unavailable');
    expect(reads).toBe(2);
  });
});
