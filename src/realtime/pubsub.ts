import { setMaxListeners } from 'node:events';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EventPublisher, Topic, Topics } from './topics';

export type ParleyPubSub = PubSub<{ [TTopic in Topic]: Topics[TTopic] }>;

export interface EventBus extends EventPublisher {
  pubsub: ParleyPubSub;
  /**
   * Calls `handler` synchronously for every event of the topic, in arrival order: internal state
   * (who may see what) is updated before any later event reaches a subscription.
   */
  listen<TTopic extends Topic>(topic: TTopic, handler: (payload: Topics[TTopic][0]) => void): () => void;
  /** Calls `listener` whenever events may have been lost (Redis came back after an outage). */
  onResync(listener: () => void): () => void;
  /** The Redis connection for other shared state (presence), when there is one. */
  redis: Redis | undefined;
  /** Whether each Redis connection is ready now (none without Redis). */
  connections(): { connection: string; up: boolean }[];
  close(): Promise<void>;
}

/** Hears every publish (a batch counts its events). */
export type PublishCount = (topic: Topic, events: number) => void;

type PubSubEventTarget = Parameters<typeof createPubSub>[0] extends infer Config
  ? NonNullable<(Config & object) extends { eventTarget?: infer Target } ? Target : never>
  : never;

/** Several events of one topic travelling as one bus message (see `publishAll`). */
interface Batch {
  $batch: unknown[];
}

function isBatch(detail: unknown): detail is Batch {
  return typeof detail === 'object' && detail !== null && Array.isArray((detail as Batch).$batch);
}

function listenOn(eventTarget: PubSubEventTarget): EventBus['listen'] {
  return (topic, handler) => {
    const listener = (event: Event) => {
      const detail: unknown = (event as CustomEvent).detail;
      if (!isBatch(detail)) return handler(detail as never);
      for (const payload of detail.$batch) handler(payload as never);
    };
    eventTarget.addEventListener(topic, listener as never);
    return () => eventTarget.removeEventListener(topic, listener as never);
  };
}

/**
 * JSON that keeps Dates (Redis carries strings): a Date travels as { "$date": iso }. Tagged and
 * untagged by plain walks around JSON's own fast paths: a replacer or a reviver, called for every
 * value, made each event several times dearer to publish and to read on every instance.
 */
const serializer = {
  stringify: (message: unknown) => JSON.stringify(tagDates(message)),
  parse: (text: string) => untagDates(JSON.parse(text)),
};

function tagDates(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(tagDates);
  if (value === null || typeof value !== 'object') return value;
  const tagged: Record<string, unknown> = {};
  for (const key in value) tagged[key] = tagDates((value as Record<string, unknown>)[key]);
  return tagged;
}

/** Turns every { "$date": iso } back into a Date, in place (the value is fresh from JSON.parse). */
function untagDates(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) value[index] = untagDates(value[index]);
    return value;
  }
  const object = value as Record<string, unknown>;
  if (typeof object.$date === 'string' && Object.keys(object).length === 1) return new Date(object.$date);
  for (const key in object) object[key] = untagDates(object[key]);
  return object;
}

/** publish and publishAll over `send` (one bus message each), counted. */
function publishers(send: (topic: Topic, message: unknown) => void, counted: PublishCount | undefined): EventPublisher {
  return {
    publish: (topic, payload) => {
      send(topic, payload);
      counted?.(topic, 1);
    },
    publishAll: (topic, payloads) => {
      if (payloads.length === 0) return;
      send(topic, { $batch: payloads });
      counted?.(topic, payloads.length);
    },
  };
}

/** In-process events without REDIS_URL; through Redis pub/sub with it, so every instance sees every event. */
export function createEventBus(redisUrl: string | undefined, logger: Logger, counted?: PublishCount): EventBus {
  const resyncListeners = new Set<() => void>();
  const onResync = (listener: () => void) => {
    resyncListeners.add(listener);
    return () => resyncListeners.delete(listener);
  };
  if (!redisUrl) {
    const target = new EventTarget();
    // One listener per live subscription is the design, not a leak: no warning past 10.
    setMaxListeners(0, target);
    const eventTarget = target as PubSubEventTarget;
    const pubsub: ParleyPubSub = createPubSub({ eventTarget });
    return {
      pubsub,
      listen: listenOn(eventTarget),
      ...publishers((topic, message) => pubsub.publish(topic, message as never), counted),
      onResync,
      redis: undefined,
      connections: () => [],
      close: async () => {},
    };
  }
  // Without an offline queue a publish during an outage fails at once instead of piling up:
  // the database is the truth, and subscribers catch up from it when Redis is back.
  const options = { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (times: number) => Math.min(times * 200, 2_000) };
  const publishClient = new Redis(redisUrl, options);
  const subscribeClient = new Redis(redisUrl, { ...options, enableOfflineQueue: true });
  const redis = new Redis(redisUrl, options);
  for (const client of [publishClient, subscribeClient, redis]) {
    client.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection problem'));
  }
  let wasDown = false;
  subscribeClient.on('close', () => (wasDown = true));
  subscribeClient.on('ready', () => {
    if (!wasDown) return;
    wasDown = false;
    logger.info('redis is back: subscribers catch up from the database');
    for (const listener of resyncListeners) listener();
  });
  // The event target publishes without handling the promise; during an outage that rejection would be
  // unhandled and end the process. This publisher logs instead: the database stays the truth.
  const publisher = {
    publish: (channel: string, message: string) =>
      publishClient.publish(channel, message).catch((error: Error) => logger.warn({ err: error.message, channel }, 'event not published')),
  } as unknown as Redis;
  const eventTarget = createRedisEventTarget({ publishClient: publisher, subscribeClient, serializer }) as PubSubEventTarget;
  const pubsub: ParleyPubSub = createPubSub({ eventTarget });
  const send = (topic: Topic, message: unknown) => {
    try {
      pubsub.publish(topic, message as never);
    } catch (error) {
      logger.warn({ err: error, topic }, 'event not published');
    }
  };
  const clients = { publish: publishClient, subscribe: subscribeClient, commands: redis };
  return {
    pubsub,
    listen: listenOn(eventTarget),
    ...publishers(send, counted),
    onResync,
    redis,
    connections: () => Object.entries(clients).map(([connection, client]) => ({ connection, up: client.status === 'ready' })),
    close: async () => {
      await Promise.all([publishClient, subscribeClient, redis].map((client) => client.quit().catch(() => client.disconnect())));
    },
  };
}
