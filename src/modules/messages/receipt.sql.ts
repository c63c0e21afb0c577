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

export interface DeliveredMoveRow {
  chatId: string;
  userId: string;
  lastReadSeq: number;
  lastDeliveredSeq: number;
}

/**
 * Moves many members' delivered pointers at once: member $2[i] of chat $1[i] forward to $3[i],
 * clamped to the chat's lastSeq and never back. One statement for every delivery of a tick; the
 * member rows are locked in one order, so that two instances' batches cannot deadlock. Returns
 * only the pointers that moved.
 */
export const MOVE_DELIVERED_POINTERS = `
WITH target AS (
  SELECT m."chatId", m."userId", LEAST(moves."seq", c."lastSeq") AS "upTo"
  FROM unnest($1::text[], $2::text[], $3::int[]) AS moves("chatId", "userId", "seq")
  JOIN "ChatMember" m ON m."chatId" = moves."chatId" AND m."userId" = moves."userId"
  JOIN "Chat" c ON c."id" = m."chatId"
  ORDER BY m."chatId", m."userId"
  FOR UPDATE OF m
)
UPDATE "ChatMember" m SET "lastDeliveredSeq" = t."upTo"
FROM target t
WHERE m."chatId" = t."chatId" AND m."userId" = t."userId" AND t."upTo" > m."lastDeliveredSeq"
RETURNING m."chatId", m."userId", m."lastReadSeq", m."lastDeliveredSeq"`;
