import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { redisProblem, requireServices, SHARED_REDIS_URL, skipWithout, waitFor } from '../../helpers/redis';
import { createEventBus, type EventBus } from '../../../src/realtime/pubsub';
import type { ChatUpdateEvent } from '../../../src/realtime/topics';

const problems = [await redisProblem(SHARED_REDIS_URL)];

describe.each(['in memory', 'through Redis'])('the event bus %s', (kind) => {
  const logger = pino({ level: 'silent' });
  const buses: EventBus[] = [];
  const open = () => {
    const bus = createEventBus(kind === 'through Redis' ? SHARED_REDIS_URL : undefined, logger);
    buses.push(bus);
    return bus;
  };
  afterAll(() => Promise.all(buses.map((bus) => bus.close())));

  const event = (chatId: string, eventKind: ChatUpdateEvent['kind']): ChatUpdateEvent => ({ kind: eventKind, chatId, userIds: ['u1'], actorId: 'u2', at: new Date('2026-12-03T10:00:00.123Z'), memberIds: ['u1', 'u2'] });

  it.skipIf(kind === 'through Redis' && skipWithout(problems))('hands every listener each event of a batch, in order, with its dates as dates', async () => {
    if (kind === 'through Redis') requireServices(problems);
    const bus = open();
    // Through Redis, the listener is a second instance: what it hears crossed the wire.
    const listening = kind === 'through Redis' ? open() : bus;
    const heard: ChatUpdateEvent[] = [];
    const chatId = `chat-${Math.random()}`;
    listening.listen('chat.updated', (payload) => payload.chatId === chatId && heard.push(payload));
    // A Redis subscription is made asynchronously: publish until one arrives.
    await waitFor('the listener to be subscribed', () => {
      if (heard.length === 0) bus.publish('chat.updated', event(chatId, 'CREATED'));
      return heard.length > 0;
    }, 5_000, 100);
    heard.length = 0;
    bus.publishAll('chat.updated', [event(chatId, 'RENAMED'), event(chatId, 'MEMBERS_ADDED'), event(chatId, 'ROLE_CHANGED')]);
    await waitFor('the batch', () => heard.length >= 3);
    expect(heard.map((payload) => payload.kind)).toEqual(['RENAMED', 'MEMBERS_ADDED', 'ROLE_CHANGED']);
    expect(heard.every((payload) => payload.at instanceof Date && payload.at.toISOString() === '2026-12-03T10:00:00.123Z')).toBe(true);
    expect(heard[0]).toEqual(event(chatId, 'RENAMED'));
  });
});
