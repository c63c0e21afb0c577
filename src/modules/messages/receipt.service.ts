import { BadInputError, NotFoundError } from '../../errors/errors';
import type { Sql } from '../../db/sql';
import type { EventPublisher } from '../../realtime/topics';
import type { ReadReceipt } from './message.type';
import { type DeliveredMoveRow, MOVE_DELIVERED_POINTERS, MOVE_POINTERS, type PointerMoveRow } from './receipt.sql';

export interface PointerMove {
  receipt: ReadReceipt;
  /** Whether either pointer actually moved (a lower or equal seq leaves them as they are). */
  moved: boolean;
}

/**
 * Moves a member's delivered pointer (and read pointer, when `read`) forward to `upToSeq`, clamped
 * to the chat's lastSeq (null: the lastSeq itself), never back (see MOVE_POINTERS). Null when the
 * user is not a member of the chat.
 */
export async function movePointers(
  sql: Sql,
  chatId: string,
  userId: string,
  move: { upToSeq: number | null; read: boolean },
): Promise<PointerMove | null> {
  const [row] = await sql.query<PointerMoveRow>(MOVE_POINTERS, [chatId, userId, move.upToSeq, move.read]);
  if (!row) return null;
  return {
    receipt: { chatId, userId, lastReadSeq: row.lastReadSeq, lastDeliveredSeq: row.lastDeliveredSeq, at: new Date() },
    moved: row.lastReadSeq !== row.previousRead || row.lastDeliveredSeq !== row.previousDelivered,
  };
}

/**
 * Moves many members' delivered pointers forward in one statement (see MOVE_DELIVERED_POINTERS);
 * returns the receipts of the pointers that moved. Moves of non-members are ignored.
 */
export async function moveDeliveredPointers(sql: Sql, moves: readonly { chatId: string; userId: string; seq: number }[]): Promise<ReadReceipt[]> {
  if (moves.length === 0) return [];
  const rows = await sql.query<DeliveredMoveRow>(MOVE_DELIVERED_POINTERS, [
    moves.map((move) => move.chatId),
    moves.map((move) => move.userId),
    moves.map((move) => move.seq),
  ]);
  const at = new Date();
  return rows.map(({ chatId, userId, lastReadSeq, lastDeliveredSeq }) => ({ chatId, userId, lastReadSeq, lastDeliveredSeq, at }));
}

/** Read receipts: members telling how far they have read, or received. */
export class ReceiptService {
  constructor(
    private readonly sql: Sql,
    private readonly events: EventPublisher,
  ) {}

  markRead(viewerId: string, chatId: string, upToSeq: number | null | undefined): Promise<PointerMove> {
    return this.move(viewerId, chatId, { upToSeq: upToSeq ?? null, read: true });
  }

  markDelivered(viewerId: string, chatId: string, upToSeq: number): Promise<PointerMove> {
    return this.move(viewerId, chatId, { upToSeq, read: false });
  }

  private async move(viewerId: string, chatId: string, move: { upToSeq: number | null; read: boolean }): Promise<PointerMove> {
    if (move.upToSeq !== null && move.upToSeq < 0) throw new BadInputError('upToSeq', 'upToSeq must be 0 or more.');
    const result = await movePointers(this.sql, chatId, viewerId, move);
    if (!result) throw new NotFoundError('Chat');
    if (result.moved) this.events.publish('receipt.updated', { chatId, receipt: result.receipt });
    return result;
  }
}
