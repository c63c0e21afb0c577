import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PrismaClient } from '../generated/prisma/client';
import type { EventPublisher } from './topics';

/** A user is online while at least one of their sockets is open, on any instance. */
export interface Presence {
  /** A socket of the user opened on this instance. */
  connect(userId: string): Promise<void>;
  /** A socket of the user closed on this instance. */
  disconnect(userId: string): Promise<void>;
  onlineAmong(userIds: readonly string[]): Promise<Set<string>>;
  close(): Promise<void>;
}

/** How presence announces a change: an event for others, and lastSeenAt when someone goes offline. */
class PresenceAnnouncer {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: EventPublisher,
    private readonly logger: Logger,
  ) {}

  online(userId: string): void {
    this.events.publish('presence', { userId, isOnline: true, lastSeenAt: null });
  }

  async offline(userId: string): Promise<void> {
    const lastSeenAt = new Date();
    try {
      await this.prisma.user.update({ where: { id: userId }, data: { lastSeenAt }, select: { id: true } });
    } catch (error) {
      this.logger.warn({ err: error, userId }, 'could not record lastSeenAt');
    }
    this.events.publish('presence', { userId, isOnline: false, lastSeenAt });
  }
}

/** One instance, no Redis: socket counts in memory. */
export class MemoryPresence implements Presence {
  private readonly sockets = new Map<string, number>();
  private readonly announce: PresenceAnnouncer;

  constructor(prisma: PrismaClient, events: EventPublisher, logger: Logger) {
    this.announce = new PresenceAnnouncer(prisma, events, logger);
  }

  async connect(userId: string): Promise<void> {
    const count = (this.sockets.get(userId) ?? 0) + 1;
    this.sockets.set(userId, count);
    if (count === 1) this.announce.online(userId);
  }

  async disconnect(userId: string): Promise<void> {
    const count = (this.sockets.get(userId) ?? 0) - 1;
    if (count > 0) return void this.sockets.set(userId, count);
    this.sockets.delete(userId);
    await this.announce.offline(userId);
  }

  async onlineAmong(userIds: readonly string[]): Promise<Set<string>> {
    return new Set(userIds.filter((id) => this.sockets.has(id)));
  }

  async close(): Promise<void> {}
}

export const PRESENCE_TTL_MS = 30_000;
const HEARTBEAT_MS = 10_000;
const userKey = (userId: string) => `parley:presence:${userId}`;
/** Every user online anywhere, scored by when their last heartbeat runs out. */
const USERS_KEY = 'parley:presence:users';

/**
 * Many instances: each user's key holds the instances where they have sockets, scored by an
 * expiry that this instance's heartbeat pushes forward. An instance that dies stops beating, so
 * its users go offline within PRESENCE_TTL_MS: every instance sweeps expired entries, and the one
 * that removes a user's last entry announces it.
 */
export class RedisPresence implements Presence {
  private readonly local = new Map<string, number>();
  private readonly announce: PresenceAnnouncer;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly instanceId: string,
    prisma: PrismaClient,
    events: EventPublisher,
    private readonly logger: Logger,
  ) {
    this.announce = new PresenceAnnouncer(prisma, events, logger);
    this.timer = setInterval(() => void this.tick(), HEARTBEAT_MS).unref();
  }

  async connect(userId: string): Promise<void> {
    const count = (this.local.get(userId) ?? 0) + 1;
    this.local.set(userId, count);
    if (count > 1) return;
    const now = Date.now();
    const results = await this.redis
      .multi()
      .zcount(userKey(userId), now, '+inf')
      .zadd(userKey(userId), now + PRESENCE_TTL_MS, this.instanceId)
      .zadd(USERS_KEY, 'GT', now + PRESENCE_TTL_MS, userId)
      .exec()
      .catch(this.failed);
    // Online elsewhere already (or Redis unreachable): nothing new to announce.
    if (Number(results?.[0]?.[1] ?? 1) === 0) this.announce.online(userId);
  }

  async disconnect(userId: string): Promise<void> {
    const count = (this.local.get(userId) ?? 0) - 1;
    if (count > 0) return void this.local.set(userId, count);
    this.local.delete(userId);
    await this.redis.zrem(userKey(userId), this.instanceId).catch(this.failed);
    await this.retireIfGone(userId);
  }

  async onlineAmong(userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    for (const id of userIds) pipeline.zcount(userKey(id), now, '+inf');
    const results = (await pipeline.exec().catch(this.failed)) ?? [];
    return new Set(userIds.filter((id, index) => Number(results[index]?.[1] ?? 0) > 0 || this.local.has(id)));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    const users = [...this.local.keys()];
    this.local.clear();
    await Promise.all(users.map((userId) => this.redis.zrem(userKey(userId), this.instanceId).catch(this.failed)));
    await Promise.all(users.map((userId) => this.retireIfGone(userId)));
  }

  /** Heartbeat for this instance's users, then sweep users whose every instance stopped beating. */
  private async tick(): Promise<void> {
    const expiry = Date.now() + PRESENCE_TTL_MS;
    const beat = this.redis.pipeline();
    for (const userId of this.local.keys()) beat.zadd(userKey(userId), expiry, this.instanceId).zadd(USERS_KEY, 'GT', expiry, userId);
    await beat.exec().catch(this.failed);
    const stale = (await this.redis.zrangebyscore(USERS_KEY, '-inf', Date.now()).catch(this.failed)) ?? [];
    await Promise.all(stale.map((userId) => this.retireIfGone(userId)));
  }

  /** Announces a user offline once no instance holds a live entry; only the sweeper whose ZREM wins does. */
  private async retireIfGone(userId: string): Promise<void> {
    await this.redis.zremrangebyscore(userKey(userId), '-inf', Date.now()).catch(this.failed);
    const live = await this.redis.zcard(userKey(userId)).catch(this.failed);
    if (live !== 0 || this.local.has(userId)) return;
    if ((await this.redis.zrem(USERS_KEY, userId).catch(this.failed)) === 1) await this.announce.offline(userId);
  }

  private readonly failed = (error: unknown): undefined => {
    this.logger.warn({ err: error }, 'presence: redis unavailable');
    return undefined;
  };
}
