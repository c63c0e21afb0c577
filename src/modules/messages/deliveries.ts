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
  /** Per chat, per recipient, the highest seq pushed this tick (keyed without building a key string per push). */
  private pending = new Map<string, Map<string, number>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly events: EventPublisher,
    private readonly logger: Logger,
  ) {}

  delivered(chatId: string, userId: string, seq: number): void {
    let recipients = this.pending.get(chatId);
    if (!recipients) this.pending.set(chatId, (recipients = new Map()));
    const known = recipients.get(userId);
    if (known === undefined || known < seq) recipients.set(userId, seq);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
  }

  async flush(): Promise<void> {
    this.timer = undefined;
    const batch = [...this.pending].flatMap(([chatId, recipients]) => [...recipients].map(([userId, seq]) => ({ chatId, userId, seq })));
    this.pending = new Map();
    try {
      const moved = await moveDeliveredPointers(this.sql, batch);
      // One bus message for the tick's receipts: across Redis, one publish instead of one per pointer.
      if (moved.length > 0) this.events.publishAll('receipt.updated', moved.map((receipt) => ({ chatId: receipt.chatId, receipt })));
    } catch (error) {
      this.logger.warn({ err: error, deliveries: batch.length }, 'could not record deliveries');
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    await this.flush();
  }
}
