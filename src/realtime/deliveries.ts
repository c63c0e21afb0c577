import type { Logger } from 'pino';
import type { Sql } from '../db/sql';
import { movePointers } from '../modules/messages/receipt.service';
import type { EventPublisher } from './topics';

const FLUSH_DELAY_MS = 100;

/**
 * Messages pushed to a recipient's socket count as delivered. Pushes are collected per
 * (chat, recipient) and written together shortly after, one pointer move per pair, not per message.
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
    await Promise.all(
      batch.map(async ({ chatId, userId, seq }) => {
        try {
          const move = await movePointers(this.sql, chatId, userId, { upToSeq: seq, read: false });
          if (move?.moved) this.events.publish('receipt.updated', { chatId, receipt: move.receipt });
        } catch (error) {
          this.logger.warn({ err: error, chatId }, 'could not record a delivery');
        }
      }),
    );
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    await this.flush();
  }
}
