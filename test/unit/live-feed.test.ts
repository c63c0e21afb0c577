import { describe, expect, it, vi } from 'vitest';
import { LiveFeed, MAX_WAITING_EVENTS } from '../../src/realtime/live-feed';

function collecting<T>() {
  const got: T[] = [];
  const failures: unknown[] = [];
  return { got, failures, sink: { deliver: (item: T) => got.push(item), fail: (error: unknown) => failures.push(error) } };
}

describe('LiveFeed', () => {
  it('keeps what is pushed before a sink attaches, then hands everything over in order, at once', () => {
    const feed = new LiveFeed<number>({ tooSlow: () => {} });
    feed.push(1);
    feed.push(2);
    const { got, sink } = collecting<number>();
    feed.attach(sink);
    expect(got).toEqual([1, 2]);
    feed.push(3);
    expect(got).toEqual([1, 2, 3]);
  });

  it('tells a failure to the sink, now or when it attaches, and runs its cleanups once', () => {
    const cleanup = vi.fn();
    const early = new LiveFeed<number>({ tooSlow: () => {} });
    early.onClose(cleanup);
    early.fail(new Error('gone'));
    early.fail(new Error('again'));
    const { failures, sink } = collecting<number>();
    early.attach(sink);
    expect(failures).toEqual([new Error('gone')]);
    expect(cleanup).toHaveBeenCalledOnce();
  });

  it('ends, and calls onOverflow, when too many events wait for a sink', () => {
    const overflow = vi.fn();
    const cleanup = vi.fn();
    const feed = new LiveFeed<number>({ tooSlow: overflow });
    feed.onClose(cleanup);
    for (let item = 0; item <= MAX_WAITING_EVENTS; item += 1) feed.push(item);
    expect(overflow).toHaveBeenCalledOnce();
    expect(cleanup).toHaveBeenCalledOnce();
    expect(feed.ended).toBe(true);
  });

  it('drops what is pushed after close, and runs a cleanup given after close at once', () => {
    const feed = new LiveFeed<number>({ tooSlow: () => {} });
    const { got, sink } = collecting<number>();
    feed.attach(sink);
    feed.close();
    feed.push(1);
    const late = vi.fn();
    feed.onClose(late);
    expect(got).toEqual([]);
    expect(late).toHaveBeenCalledOnce();
  });

  it('can be read as an async iterator, which closes the feed on return', async () => {
    const feed = new LiveFeed<number>({ tooSlow: () => {} });
    feed.push(1);
    const iterator = feed[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ value: 1, done: false });
    const pending = iterator.next();
    feed.push(2);
    expect(await pending).toEqual({ value: 2, done: false });
    const waiting = iterator.next();
    await iterator.return!();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(feed.ended).toBe(true);
  });
});
