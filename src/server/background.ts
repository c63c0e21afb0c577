import type { Logger } from 'pino';

/**
 * Work a request starts and its answer does not wait for, started a moment later (`afterMs`) so
 * that it runs once the answer is on its way: how long the answer takes then says nothing about
 * what the work found. A failure is logged, never the request's. `close` starts what is still
 * waiting at once and waits for all of it, so that the database outlives it.
 */
export class BackgroundWork {
  private readonly waiting = new Map<NodeJS.Timeout, () => void>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  run(name: string, work: () => Promise<void>, afterMs = 0): void {
    const start = () => {
      this.waiting.delete(timer);
      const task = Promise.resolve()
        .then(work)
        .catch((error: unknown) => this.logger.error({ err: error, work: name }, 'background work failed'));
      this.running.add(task);
      void task.finally(() => this.running.delete(task));
    };
    const timer = setTimeout(start, afterMs);
    this.waiting.set(timer, start);
  }

  async close(): Promise<void> {
    for (const [timer, start] of this.waiting) {
      clearTimeout(timer);
      start();
    }
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
