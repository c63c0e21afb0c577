import type { ReactionSummary } from './message.type';

/** Reactors of each emoji read with a message (its summary, a page); a client asking for more (`users(first:)`) reads them. */
export const REACTORS_READ = 10;

/** At most this many different emoji on one message. */
export const MAX_EMOJI_PER_MESSAGE = 20;

/**
 * The reactions of messages $1 (ids), one row per (message, emoji) in first-use order, with whether
 * viewer $2 is among them and the first $3 reactors, earliest first.
 */
export const REACTIONS_OF_MESSAGES = `
SELECT x."messageId", x."emoji", count(*)::int AS "count", bool_or(x."userId" = $2) AS "viewerReacted",
  (array_agg(x."userId" ORDER BY x."createdAt", x."userId"))[1:$3] AS "userIds"
FROM "Reaction" x WHERE x."messageId" = ANY($1::text[])
GROUP BY x."messageId", x."emoji"
ORDER BY x."messageId", min(x."createdAt"), x."emoji"`;

export type ReactionRow = ReactionSummary & { messageId: string; viewerReacted: boolean };

/**
 * Adds user $2's reaction $3 to message $1, unless they have one with that emoji already, or the
 * message has MAX_EMOJI_PER_MESSAGE other emoji. Run after the message's row is locked (see
 * ReactionService), so that two new emoji at once cannot both pass the count.
 */
export const ADD_REACTION = `
INSERT INTO "Reaction" ("messageId", "userId", "emoji", "createdAt")
SELECT $1, $2, $3, clock_timestamp()
WHERE EXISTS (SELECT 1 FROM "Reaction" WHERE "messageId" = $1 AND "emoji" = $3)
   OR (SELECT count(DISTINCT "emoji") FROM "Reaction" WHERE "messageId" = $1) < ${MAX_EMOJI_PER_MESSAGE}
ON CONFLICT DO NOTHING
RETURNING 1 AS "added"`;

/**
 * Keeps message $1's reaction summary (what a page reads with it): per emoji in first-use order,
 * its count and first REACTORS_READ reactors, earliest first; null when it has none. Run in the
 * transaction that changed its reactions, under the message's row lock.
 */
export const SUMMARIZE_REACTIONS = `
UPDATE "Message" SET "reactionSummary" = (
  SELECT jsonb_agg(jsonb_build_object('emoji', g."emoji", 'count', g."count", 'userIds', g."userIds") ORDER BY g."firstAt", g."emoji")
  FROM (
    SELECT x."emoji", count(*)::int AS "count", min(x."createdAt") AS "firstAt",
      to_jsonb((array_agg(x."userId" ORDER BY x."createdAt", x."userId"))[1:${REACTORS_READ}]) AS "userIds"
    FROM "Reaction" x WHERE x."messageId" = $1 GROUP BY x."emoji"
  ) g)
WHERE "id" = $1`;
