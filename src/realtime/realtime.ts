import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { PrismaClient } from '../generated/prisma/client';
import { type Presence, MemoryPresence, RedisPresence } from './presence';
import { createEventBus, type EventBus, type PublishCount } from './pubsub';
import { type SlowConsumers, SocketRegistry } from './sockets';

/** Everything live: events between instances, presence and this instance's sockets. */
export interface Realtime {
  bus: EventBus;
  presence: Presence;
  sockets: SocketRegistry;
  close(): Promise<void>;
}

/** What an operator's metrics hear of realtime: events published, sockets closed for reading too slowly. */
export interface RealtimeObserver extends SlowConsumers {
  published: PublishCount;
}

export function createRealtime(redisUrl: string | undefined, prisma: PrismaClient, logger: Logger, observer: RealtimeObserver): Realtime {
  const bus = createEventBus(redisUrl, logger, (topic, events) => observer.published(topic, events));
  const presence = bus.redis
    ? new RedisPresence(bus.redis, randomUUID(), prisma, bus, logger)
    : new MemoryPresence(prisma, bus, logger);
  const sockets = new SocketRegistry(prisma, bus, presence, logger, observer);
  return {
    bus,
    presence,
    sockets,
    close: async () => {
      await sockets.closeAll();
      await presence.close();
      await bus.close();
    },
  };
}
