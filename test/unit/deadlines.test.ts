import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadlines } from '../../src/realtime/deadlines';

describe('Deadlines', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('expires each item at or after its deadline, within the second after it, with one timer per second', () => {
    const expired: string[] = [];
    const deadlines = new Deadlines<string>((item) => expired.push(item));
    deadlines.add('a', Date.now() + 1_200);
    deadlines.add('b', Date.now() + 1_900);
    deadlines.add('c', Date.now() + 2_100);
    expect(vi.getTimerCount()).toBe(2);
    vi.advanceTimersByTime(1_199);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(801);
    expect(expired).toEqual(['a', 'b']);
    vi.advanceTimersByTime(1_000);
    expect(expired).toEqual(['a', 'b', 'c']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('forgets an item deleted before its deadline, and its timer with the last of its second', () => {
    const expire = vi.fn();
    const deadlines = new Deadlines<string>(expire);
    deadlines.add('a', Date.now() + 500);
    deadlines.add('b', Date.now() + 600);
    deadlines.delete('a');
    expect(vi.getTimerCount()).toBe(1);
    deadlines.delete('b');
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5_000);
    expect(expire).not.toHaveBeenCalled();
  });

  it('replaces an item’s deadline when it is added again, and clears everything on close', () => {
    const expired: string[] = [];
    const deadlines = new Deadlines<string>((item) => expired.push(item));
    deadlines.add('a', Date.now() + 500);
    deadlines.add('a', Date.now() + 3_500);
    vi.advanceTimersByTime(1_000);
    expect(expired).toEqual([]);
    deadlines.close();
    vi.advanceTimersByTime(5_000);
    expect(expired).toEqual([]);
  });
});
