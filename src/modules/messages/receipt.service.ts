import { BadInputError, NotFoundError } from '../../errors/errors';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import type { EventPublisher } from '../../realtime/topics';
import type { ReadReceipt } from './message.type';

export interface PointerMove {
  receipt: ReadReceipt;
  /** Whether either pointer actually moved (a lower or equal seq leaves them as they are). */
  moved: boolean;
}

/**
 * Moves a member's delivered pointer (and read pointer, when `read`) forward to `upToSeq`, clamped
 * to the chat's lastSeq (null: the lastSeq itself), never back; one statement, so concurrent moves
 * cannot lose each other. Null when the user is not a member of the chat.
 */
export async function movePointers(
  db: Prisma.TransactionClient,
  chatId: string,
  userId: string,
  move: { upToSeq: number | null; read: boolean },
): Promise<PointerMove | null> {
  const rows = await db.$queryRaw<{ lastReadSeq: number; lastDeliveredSeq: number; previousRead: number; previousDelivered: number }[]>`
    WITH target AS (
      SELECT m."chatId", m."userId", m."lastReadSeq" AS "previousRead", m."lastDeliveredSeq" AS "previousDelivered",
             LEAST(COALESCE(${move.upToSeq}::int, c."lastSeq"), c."lastSeq") AS "upTo"
      FROM "ChatMember" m JOIN "Chat" c ON c."id" = m."chatId"
      WHERE m."chatId" = ${chatId} AND m."userId" = ${userId}
      FOR UPDATE OF m
    )
    UPDATE "ChatMember" m SET
      "lastReadSeq" = CASE WHEN ${move.read}::boolean THEN GREATEST(m."lastReadSeq", t."upTo") ELSE m."lastReadSeq" END,
      "lastDeliveredSeq" = GREATEST(m."lastDeliveredSeq", t."upTo")
    FROM target t
    WHERE m."chatId" = t."chatId" AND m."userId" = t."userId"
    RETURNING m."lastReadSeq", m."lastDeliveredSeq", t."previousRead", t."previousDelivered"`;
  const [row] = rows;
  if (!row) return null;
  return {
    receipt: { chatId, userId, lastReadSeq: row.lastReadSeq, lastDeliveredSeq: row.lastDeliveredSeq, at: new Date() },
    moved: row.lastReadSeq !== row.previousRead || row.lastDeliveredSeq !== row.previousDelivered,
  };
}

/** Read receipts: members telling how far they have read, or received. */
export class ReceiptService {
  constructor(
    private readonly prisma: PrismaClient,
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
    const result = await movePointers(this.prisma, chatId, viewerId, move);
    if (!result) throw new NotFoundError('Chat');
    if (result.moved) this.events.publish('receipt.updated', { chatId, receipt: result.receipt });
    return result;
  }
}
