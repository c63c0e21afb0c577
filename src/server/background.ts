import type { Logger } from 'pino';

/**
 * Work a request starts and its answer does not wait for (so that how long the answer takes says
 * nothing about what the work found). A failure is logged, never the request's; `close` waits for
 * what is under way, so that the database outlives it.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  run(name: string, work: () => Promise<void>): void {
    const task = Promise.resolve().then(work).catch((error: unknown) => this.logger.error({ err: error, work: name }, 'background work failed'));
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
  }

  async close(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
