import type { EventBus } from './pubsub';
import type { Topic, Topics } from './topics';

/** More events than this waiting for one subscriber means it cannot keep up: it ends, and the client catches up. */
export const MAX_WAITING_EVENTS = 1_000;

/** The socket a feed's events go to: closed (1013) when its reader falls too far behind, so that the client catches up. */
export interface Reader {
  tooSlow(): void;
}

/** Where a live subscription's events go, one at a time and in order, as they happen. */
export interface LiveSink<T> {
  deliver(item: T): void;
  /** The subscription ends with this error (a catch-up read that failed). */
  fail(error: unknown): void;
}

/**
 * The events of one live subscription, pushed to the sink that attaches (the subscription's pump,
 * see `liveExecution`) the moment they happen: no promise, no queue and no turn of the event loop
 * per event. What happens before the sink attaches waits, from the moment the feed is made (not
 * from its first read), so that nothing published while a subscription starts is missed.
 * `close()` runs the cleanups (listeners, timers) given to `onClose`.
 * A class: one is held per live subscription, and its methods are shared, not closures of each.
 */
export class LiveFeed<T> implements AsyncIterable<T> {
  private sink: LiveSink<T> | undefined;
  private early: T[] | undefined;
  private failure: { error: unknown } | undefined;
  private cleanups: (() => void)[] | undefined;
  protected closed = false;

  constructor(private readonly reader: Reader) {}

  onClose(cleanup: () => void): void {
    if (this.closed) cleanup();
    else (this.cleanups ??= []).push(cleanup);
  }

  push(item: T): void {
    if (this.closed) return;
    if (this.sink) return this.sink.deliver(item);
    this.early ??= [];
    if (this.early.length < MAX_WAITING_EVENTS) this.early.push(item);
    else this.overflow();
  }

  /** Ends the feed with `error`, told to its sink (now, or when it attaches). */
  fail(error: unknown): void {
    if (this.closed) return;
    const sink = this.sink;
    this.close();
    if (sink) sink.fail(error);
    else this.failure = { error };
  }

  /** The subscriber cannot keep up: the feed ends, and its socket is closed so that the client catches up. */
  protected overflow(): void {
    this.close();
    this.reader.tooSlow();
  }

  /** Hands every event to `sink` from now on, those that came before it first. */
  attach(sink: LiveSink<T>): void {
    if (this.failure) return sink.fail(this.failure.error);
    this.sink = sink;
    const early = this.early;
    this.early = undefined;
    for (const item of early ?? []) {
      if (this.closed) return;
      sink.deliver(item);
    }
    if (!this.closed) this.started();
  }

  /** Runs once a sink is attached: a feed that reads before it goes live starts reading here. */
  protected started(): void {}

  get ended(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.early = undefined;
    for (const cleanup of this.cleanups?.splice(0) ?? []) cleanup();
  }

  /** GraphQL asks for an async iterable; live execution attaches instead, but iterating works too. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return new FeedIterator(this);
  }
}

/** A feed read as an async iterator: events wait in a queue until they are read. */
class FeedIterator<T> implements AsyncIterator<T>, LiveSink<T> {
  private readonly items: T[] = [];
  private waiting: { resolve(result: IteratorResult<T>): void; reject(error: unknown): void } | undefined;
  private failure: { error: unknown } | undefined;

  constructor(private readonly feed: LiveFeed<T>) {
    feed.attach(this);
  }

  deliver(item: T): void {
    if (!this.waiting) return void this.items.push(item);
    this.waiting.resolve({ value: item, done: false });
    this.waiting = undefined;
  }

  fail(error: unknown): void {
    if (!this.waiting) return void (this.failure = { error });
    this.waiting.reject(error);
    this.waiting = undefined;
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return { value: this.items.shift()!, done: false };
    if (this.failure) throw this.failure.error;
    if (this.feed.ended) return { value: undefined, done: true };
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  async return(): Promise<IteratorResult<T>> {
    this.feed.close();
    this.waiting?.resolve({ value: undefined, done: true });
    this.waiting = undefined;
    return { value: undefined, done: true };
  }
}

/** The events of one topic that `select` keeps (it decides at arrival, so with the access of that moment). */
export function topicFeed<TTopic extends Topic, TOut>(
  bus: EventBus,
  topic: TTopic,
  select: (payload: Topics[TTopic][0]) => TOut | undefined,
  reader: Reader,
): LiveFeed<TOut> {
  const feed = new LiveFeed<TOut>(reader);
  feed.onClose(
    bus.listen(topic, (payload) => {
      const selected = select(payload);
      if (selected !== undefined) feed.push(selected);
    }),
  );
  return feed;
}
