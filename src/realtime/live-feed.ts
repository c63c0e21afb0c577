import type { EventBus } from './pubsub';
import type { Topic, Topics } from './topics';

/** More events than this waiting for one subscriber means it cannot keep up: it ends, and the client catches up. */
const MAX_BUFFERED_EVENTS = 1_000;

/**
 * Events for one subscription, buffered from the moment it is created (not from its first read),
 * so that nothing published while a subscription replays history is missed. `return()` ends a
 * pending read at once, and runs the cleanups (listeners, timers) given to `onClose`.
 */
export class LiveFeed<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private readonly cleanups: (() => void)[] = [];
  private closed = false;
  private failure: Error | undefined;

  /** `onOverflow` runs when the subscriber falls too far behind (its socket is closed with 1013). */
  constructor(private readonly onOverflow: () => void = () => {}) {}

  onClose(cleanup: () => void): void {
    if (this.closed) cleanup();
    else this.cleanups.push(cleanup);
  }

  push(item: T): void {
    if (this.closed) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: item, done: false });
    } else if (this.items.length >= MAX_BUFFERED_EVENTS) {
      this.failure = new Error('Too many events waiting for this subscription; resubscribe and catch up.');
      void this.return();
      this.onOverflow();
    } else {
      this.items.push(item);
    }
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return { value: this.items.shift()!, done: false };
    if (this.failure) throw this.failure;
    if (this.closed) return { value: undefined, done: true };
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async return(): Promise<IteratorResult<T>> {
    if (!this.closed) {
      this.closed = true;
      this.items.length = 0;
      for (const cleanup of this.cleanups.splice(0)) cleanup();
      this.waiting?.({ value: undefined, done: true });
      this.waiting = undefined;
    }
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * The async iterator handed to GraphQL: reads `source` (a generator over `feed`) and, when the
 * client unsubscribes, closes the feed first so that the generator is not left waiting for an event.
 * A class: one is held per live subscription, and its methods are shared, not closures of each.
 */
export function streamOf<T>(feed: { return(): Promise<unknown> }, source: AsyncGenerator<T>): AsyncIterableIterator<T> {
  return new FeedStream(feed, source);
}

class FeedStream<T> implements AsyncIterableIterator<T> {
  constructor(
    private readonly feed: { return(): Promise<unknown> },
    private readonly source: AsyncGenerator<T>,
  ) {}

  async next(): Promise<IteratorResult<T>> {
    try {
      return await this.source.next();
    } catch (error) {
      // The subscription ends with its error (a catch-up read that failed): its feed stops listening.
      await this.feed.return();
      throw error;
    }
  }

  async return(): Promise<IteratorResult<T>> {
    await this.feed.return();
    return this.source.return(undefined as never);
  }

  async throw(error: unknown): Promise<IteratorResult<T>> {
    await this.feed.return();
    return this.source.throw(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** The events of one topic that `select` keeps (it decides at arrival, so with the access of that moment). */
export function topicFeed<TTopic extends Topic, TOut>(
  bus: EventBus,
  topic: TTopic,
  select: (payload: Topics[TTopic][0]) => TOut | undefined,
  onOverflow?: () => void,
): LiveFeed<TOut> {
  return feedOf((handler) => bus.listen(topic, handler), select, onOverflow);
}

/** The events `listen` hands over that `select` keeps; `listen` returns what stops it. */
export function feedOf<TIn, TOut>(
  listen: (handler: (payload: TIn) => void) => () => void,
  select: (payload: TIn) => TOut | undefined,
  onOverflow?: () => void,
): LiveFeed<TOut> {
  const feed = new LiveFeed<TOut>(onOverflow);
  feed.onClose(
    listen((payload) => {
      const selected = select(payload);
      if (selected !== undefined) feed.push(selected);
    }),
  );
  return feed;
}
