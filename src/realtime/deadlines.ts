/**
 * Things that must happen by a time (a socket's sign-in, its access token's expiry), kept in
 * buckets of one second: one timer per second that has any, instead of a timer (and its closure)
 * per socket. `expire` runs, at or just after the deadline, for each item still there.
 */
export class Deadlines<T> {
  private readonly buckets = new Map<number, Set<T>>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly secondOf = new Map<T, number>();

  constructor(private readonly expire: (item: T) => void) {}

  /** `item` expires at `at` (ms since the epoch), to the second after it; a new deadline replaces its old one. */
  add(item: T, at: number): void {
    this.delete(item);
    const second = Math.ceil(at / 1000);
    let bucket = this.buckets.get(second);
    if (!bucket) {
      this.buckets.set(second, (bucket = new Set()));
      this.timers.set(second, setTimeout(() => this.fire(second), Math.max(0, second * 1000 - Date.now())).unref());
    }
    bucket.add(item);
    this.secondOf.set(item, second);
  }

  /** `item` no longer has a deadline. */
  delete(item: T): void {
    const second = this.secondOf.get(item);
    if (second === undefined) return;
    this.secondOf.delete(item);
    const bucket = this.buckets.get(second)!;
    bucket.delete(item);
    if (bucket.size > 0) return;
    this.buckets.delete(second);
    clearTimeout(this.timers.get(second));
    this.timers.delete(second);
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.buckets.clear();
    this.secondOf.clear();
  }

  private fire(second: number): void {
    const bucket = this.buckets.get(second);
    this.buckets.delete(second);
    this.timers.delete(second);
    for (const item of bucket ?? []) {
      this.secondOf.delete(item);
      this.expire(item);
    }
  }
}
