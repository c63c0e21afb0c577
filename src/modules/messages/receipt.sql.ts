export interface PointerMoveRow {
  lastReadSeq: number;
  lastDeliveredSeq: number;
  previousRead: number;
  previousDelivered: number;
}

/**
 * Moves member $2's pointers in chat $1 forward to $3 (null: the chat's lastSeq), clamped to the
 * chat's lastSeq and never back; the read pointer too when $4. One statement under the member's
 * row lock, so concurrent moves cannot lose each other. No row: not a member.
 */
export const MOVE_POINTERS = `
WITH target AS (
  SELECT m."chatId", m."userId", m."lastReadSeq" AS "previousRead", m."lastDeliveredSeq" AS "previousDelivered",
         LEAST(COALESCE($3::int, c."lastSeq"), c."lastSeq") AS "upTo"
  FROM "ChatMember" m JOIN "Chat" c ON c."id" = m."chatId"
  WHERE m."chatId" = $1 AND m."userId" = $2
  FOR UPDATE OF m
)
UPDATE "ChatMember" m SET
  "lastReadSeq" = CASE WHEN $4::boolean THEN GREATEST(m."lastReadSeq", t."upTo") ELSE m."lastReadSeq" END,
  "lastDeliveredSeq" = GREATEST(m."lastDeliveredSeq", t."upTo")
FROM target t
WHERE m."chatId" = t."chatId" AND m."userId" = t."userId"
RETURNING m."lastReadSeq", m."lastDeliveredSeq", t."previousRead", t."previousDelivered"`;
