import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GAP_GRACE_MS, MessageOrder } from '../../src/modules/messages/message-order';
import type { Message } from '../../src/modules/messages/message.type';
import type { MessageAddedEvent } from '../../src/realtime/topics';

function event(chatId: string, seq: number): MessageAddedEvent {
  return { chatId, message: { id: `${chatId}-${seq}`, chatId, seq } as Message } as MessageAddedEvent;
}

describe('MessageOrder', () => {
  let order: MessageOrder;
  let routed: string[];
  const route = (routedEvent: MessageAddedEvent) => routed.push(routedEvent.message.id);

  beforeEach(() => {
    vi.useFakeTimers();
    order = new MessageOrder();
    routed = [];
  });
  afterEach(() => {
    order.close();
    vi.useRealTimers();
  });

  it('routes a chat it knows nothing of at once, then each next seq at once', () => {
    order.take(event('a', 7), route);
    order.take(event('a', 8), route);
    order.take(event('b', 1), route);
    expect(routed).toEqual(['a-7', 'a-8', 'b-1']);
  });

  it('holds a message that came ahead of a missing seq until it comes, then routes both in order', () => {
    order.knownUpTo('a', 4);
    order.take(event('a', 6), route);
    order.take(event('a', 7), route);
    expect(routed).toEqual([]);
    order.take(event('a', 5), route);
    expect(routed).toEqual(['a-5', 'a-6', 'a-7']);
    vi.advanceTimersByTime(GAP_GRACE_MS * 2);
    expect(routed).toEqual(['a-5', 'a-6', 'a-7']);
  });

  it('routes what waited, in seq order, once the missing one has not come within the grace period', () => {
    order.knownUpTo('a', 1);
    order.take(event('a', 5), route);
    order.take(event('a', 3), route);
    vi.advanceTimersByTime(GAP_GRACE_MS - 1);
    expect(routed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(routed).toEqual(['a-3', 'a-5']);
    // The late one is routed when it comes (subscribers drop or place it), and what follows 5 flows on.
    order.take(event('a', 2), route);
    order.take(event('a', 6), route);
    expect(routed).toEqual(['a-3', 'a-5', 'a-2', 'a-6']);
  });

  it('keeps the later of what it knows and what a subscriber read', () => {
    order.take(event('a', 9), route);
    order.knownUpTo('a', 3);
    order.take(event('a', 10), route);
    expect(routed).toEqual(['a-9', 'a-10']);
  });
});
