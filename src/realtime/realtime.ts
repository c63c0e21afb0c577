import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Sql } from '../db/sql';
import type { PrismaClient } from '../generated/prisma/client';
import { DeliveryTracker } from './deliveries';
import { type Presence, MemoryPresence, RedisPresence } from './presence';
import { createEventBus, type EventBus } from './pubsub';
import { SocketRegistry } from './sockets';

/** Everything live: events between instances, presence, delivery receipts and this instance's sockets. */
export interface Realtime {
  bus: EventBus;
  presence: Presence;
  deliveries: DeliveryTracker;
  sockets: SocketRegistry;
  close(): Promise<void>;
}

export function createRealtime(redisUrl: string | undefined, prisma: PrismaClient, sql: Sql, logger: Logger): Realtime {
  const bus = createEventBus(redisUrl, logger);
  const presence = bus.redis
    ? new RedisPresence(bus.redis, randomUUID(), prisma, bus, logger)
    : new MemoryPresence(prisma, bus, logger);
  const deliveries = new DeliveryTracker(sql, bus, logger);
  const sockets = new SocketRegistry(prisma, bus, presence);
  return {
    bus,
    presence,
    deliveries,
    sockets,
    close: async () => {
      await sockets.closeAll();
      await deliveries.close();
      await presence.close();
      await bus.close();
    },
  };
}
