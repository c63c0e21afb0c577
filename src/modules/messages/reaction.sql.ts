import type { ReactionSummary } from './message.type';

/** Reactors of each emoji read with a message (its summary, a page); a client asking for more (`users(first:)`) reads them. */
export const REACTORS_READ = 10;

/** At most this many different emoji on one message. */
export const MAX_EMOJI_PER_MESSAGE = 20;

/**
 * The reactions of messages $1 (ids) as each keeps them (its summary, see SUMMARIZE_REACTIONS), with
 * the emoji viewer $2 reacted with.
 */
export const REACTIONS_OF_MESSAGES = `
SELECT m."id" AS "messageId", m."reactionSummary" AS "summary",
  ARRAY(SELECT x."emoji" FROM "Reaction" x WHERE x."messageId" = m."id" AND x."userId" = $2) AS "viewerEmoji"
FROM "Message" m WHERE m."id" = ANY($1::text[])`;

export interface ReactionRow {
  messageId: string;
  summary: Omit<ReactionSummary, 'viewerReacted'>[] | null;
  viewerEmoji: string[];
}

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
