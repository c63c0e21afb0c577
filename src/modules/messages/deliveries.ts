import type { Logger } from 'pino';
import type { Sql } from '../../db/sql';
import type { EventPublisher } from '../../realtime/topics';
import { moveDeliveredPointers } from './receipt.service';

const FLUSH_DELAY_MS = 100;

/**
 * Messages pushed to a recipient's socket count as delivered. Pushes are collected per
 * (chat, recipient) and written together shortly after: one statement per tick for all of them.
 */
export class DeliveryTracker {
  private pending = new Map<string, { chatId: string; userId: string; seq: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly events: EventPublisher,
    private readonly logger: Logger,
  ) {}

  delivered(chatId: string, userId: string, seq: number): void {
    const key = `${chatId}:${userId}`;
    const current = this.pending.get(key);
    if (!current || current.seq < seq) this.pending.set(key, { chatId, userId, seq });
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
  }

  async flush(): Promise<void> {
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      for (const receipt of await moveDeliveredPointers(this.sql, batch)) this.events.publish('receipt.updated', { chatId: receipt.chatId, receipt });
    } catch (error) {
      this.logger.warn({ err: error, deliveries: batch.length }, 'could not record deliveries');
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    await this.flush();
  }
}
