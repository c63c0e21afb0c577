import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { PrismaClient } from '../generated/prisma/client';
import { type Presence, MemoryPresence, RedisPresence } from './presence';
import { createEventBus, type EventBus } from './pubsub';
import { SocketRegistry } from './sockets';

/** Everything live: events between instances, presence and this instance's sockets. */
export interface Realtime {
  bus: EventBus;
  presence: Presence;
  sockets: SocketRegistry;
  close(): Promise<void>;
}

export function createRealtime(redisUrl: string | undefined, prisma: PrismaClient, logger: Logger): Realtime {
  const bus = createEventBus(redisUrl, logger);
  const presence = bus.redis
    ? new RedisPresence(bus.redis, randomUUID(), prisma, bus, logger)
    : new MemoryPresence(prisma, bus, logger);
  const sockets = new SocketRegistry(prisma, bus, presence, logger);
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
