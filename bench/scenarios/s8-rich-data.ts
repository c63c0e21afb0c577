import { type Queryable, type Sql, uuid7Sql } from '../lib/sql';
import type { ScenarioContext } from '../lib/types';
import { REACTORS_READ } from '../../src/modules/messages/reaction.sql';

/** The group's members: authors in turn, mentioned, reacting. */
export const MEMBERS = 8;
const EMOJI = ['👍', '❤️', '😂', '🎉', '🙏'];
/** Rows written per INSERT ... SELECT. */
const GROW_BATCH = 100_000;

/**
 * What message `seq` of S8's chat carries, by member index (0-7): the model the growth writes in SQL
 * and the checks read back in TypeScript. Every third message answers one 1-7 seqs back (seq / 3 % 7
 * + 1); every fourth mentions the two members after its author; every second has 1-3 emoji, each
 * from 1-4 members, the first emoji first used.
 */
export const authorOf = (seq: number): number => seq % MEMBERS;
export const repliedOf = (seq: number): number | null => (seq % 3 === 0 && seq > 7 ? seq - 1 - (Math.floor(seq / 3) % 7) : null);
export const mentionedOf = (seq: number): number[] => (seq % 4 === 0 ? [(seq + 1) % MEMBERS, (seq + 2) % MEMBERS] : []);
export function reactionsOf(seq: number): { emoji: string; users: number[] }[] {
  if (seq % 2 !== 0) return [];
  return Array.from({ length: 1 + ((seq / 2) % 3) }, (_, j) => ({
    emoji: EMOJI[(seq + j) % EMOJI.length]!,
    users: Array.from({ length: 1 + ((seq + j) % 4) }, (_, u) => (seq + j + u) % MEMBERS),
  }));
}
export const bodyOf = (seq: number): string => `history message ${seq}`;

/**
 * Writes messages straight into the tables up to `size`, as S5's growth does (seq continuing from
 * the chat's lastSeq, createdAt one millisecond apart), with the replies, mentions and reactions of
 * the model above; keeps the chat's lastSeq and lastActivityAt consistent, VACUUM ANALYZE, then
 * checks the counts against the model. Returns the seconds it took.
 */
export async function growRich(context: ScenarioContext, chatId: string, memberIds: string[], size: number): Promise<number> {
  const started = Date.now();
  await context.engine.sql(async (sql) => {
    const [chat] = await sql.query<{ lastSeq: number }>('SELECT "lastSeq" FROM "Chat" WHERE "id" = $1', [chatId]);
    const base = new Date(Date.now() - 30 * 86_400_000);
    for (let from = chat!.lastSeq + 1; from <= size; from += GROW_BATCH) {
      const to = Math.min(size, from + GROW_BATCH - 1);
      await sql.transaction(async (tx) => {
        await insertBatch(tx, { chatId, memberIds, from, to, base });
        await tx.query(
          `UPDATE "Chat" SET "lastSeq" = $2::int, "lastActivityAt" = GREATEST("lastActivityAt", $3::timestamp + $2::int * interval '1 millisecond') WHERE "id" = $1`,
          [chatId, to, base],
        );
      });
    }
    for (const table of ['Message', 'Mention', 'Reaction']) await sql.query(`VACUUM ANALYZE "${table}"`);
    await checkGrowth(sql, chatId, size);
  });
  const seconds = (Date.now() - started) / 1000;
  context.log(`    S8: chat grown to ${size.toLocaleString('en-US')} messages with replies, mentions and reactions in ${seconds.toFixed(1)} s`);
  return seconds;
}

interface Batch {
  chatId: string;
  memberIds: string[];
  from: number;
  to: number;
  base: Date;
}

/** One batch of the model in SQL: messages with their replies (the answered one from this batch or an earlier one), then mentions and reactions. */
async function insertBatch(tx: Queryable, batch: Batch): Promise<void> {
  const { chatId, memberIds, from, to, base } = batch;
  // The ids are drawn once (a materialized CTE), so that a reply can name one from the same batch.
  await tx.query(
    `WITH fresh AS MATERIALIZED (
       SELECT s, ${uuid7Sql('t.at', 's')} AS id, t.at
       FROM generate_series($2::int, $3::int) AS s, LATERAL (SELECT $4::timestamp + s * interval '1 millisecond' AS at) AS t
     )
     INSERT INTO "Message" ("id", "chatId", "seq", "authorId", "body", "createdAt", "replyToId")
     SELECT f.id, $1, f.s, ($5::text[])[f.s % ${MEMBERS} + 1], 'history message ' || f.s, f.at,
       CASE WHEN f.s % 3 = 0 AND f.s > 7 THEN COALESCE(r.id, (SELECT o."id" FROM "Message" o WHERE o."chatId" = $1 AND o."seq" = f.s - 1 - (f.s / 3) % 7)) END
     FROM fresh f LEFT JOIN fresh r ON r.s = f.s - 1 - (f.s / 3) % 7`,
    [chatId, from, to, base, memberIds],
  );
  await tx.query(
    `INSERT INTO "Mention" ("messageId", "userId", "position", "chatId", "seq")
     SELECT m."id", ($2::text[])[(m."seq" + 1 + p) % ${MEMBERS} + 1], p, m."chatId", m."seq"
     FROM "Message" m CROSS JOIN generate_series(0, 1) AS p
     WHERE m."chatId" = $1 AND m."seq" BETWEEN $3 AND $4 AND m."seq" % 4 = 0`,
    [chatId, memberIds, from, to],
  );
  await tx.query(
    `INSERT INTO "Reaction" ("messageId", "emoji", "userId", "createdAt")
     SELECT m."id", ($3::text[])[(m."seq" + j) % cardinality($3::text[]) + 1], ($2::text[])[(m."seq" + j + u) % ${MEMBERS} + 1],
       m."createdAt" + (j * 60 + u + 1) * interval '1 second'
     FROM "Message" m
     CROSS JOIN LATERAL generate_series(0, (m."seq" / 2) % 3) AS j
     CROSS JOIN LATERAL generate_series(0, (m."seq" + j) % 4) AS u
     WHERE m."chatId" = $1 AND m."seq" BETWEEN $4 AND $5 AND m."seq" % 2 = 0`,
    [chatId, memberIds, EMOJI, from, to],
  );
  await keepOnMessages(tx, batch);
}

/** What Parley keeps on each message of its mentions and reactions (see SEND_MESSAGE and SUMMARIZE_REACTIONS), for the batch's messages at once. */
async function keepOnMessages(tx: Queryable, { chatId, from, to }: Batch): Promise<void> {
  await tx.query(
    `UPDATE "Message" m SET "mentionIds" = x."ids"
     FROM (SELECT "messageId", array_agg("userId" ORDER BY "position") AS "ids" FROM "Mention" WHERE "chatId" = $1 AND "seq" BETWEEN $2 AND $3 GROUP BY 1) x
     WHERE m."id" = x."messageId"`,
    [chatId, from, to],
  );
  await tx.query(
    `UPDATE "Message" m SET "reactionSummary" = x."summary"
     FROM (
       SELECT g."messageId", jsonb_agg(jsonb_build_object('emoji', g."emoji", 'count', g."count", 'userIds', g."userIds") ORDER BY g."firstAt", g."emoji") AS "summary"
       FROM (
         SELECT r."messageId", r."emoji", count(*)::int AS "count", min(r."createdAt") AS "firstAt",
           to_jsonb((array_agg(r."userId" ORDER BY r."createdAt", r."userId"))[1:${REACTORS_READ}]) AS "userIds"
         FROM "Reaction" r JOIN "Message" o ON o."id" = r."messageId"
         WHERE o."chatId" = $1 AND o."seq" BETWEEN $2 AND $3 GROUP BY 1, 2
       ) g GROUP BY 1
     ) x
     WHERE m."id" = x."messageId"`,
    [chatId, from, to],
  );
}

/** The chat's messages, replies, mentions and reactions must be what the model counts for 1..size. */
async function checkGrowth(sql: Sql, chatId: string, size: number): Promise<void> {
  const [stored] = await sql.query<{ messages: number; replies: number; mentions: number; reactions: number; lastSeq: number }>(
    `SELECT (SELECT count(*)::int FROM "Message" WHERE "chatId" = $1) AS "messages",
       (SELECT count("replyToId")::int FROM "Message" WHERE "chatId" = $1) AS "replies",
       (SELECT count(*)::int FROM "Mention" WHERE "chatId" = $1) AS "mentions",
       (SELECT count(*)::int FROM "Reaction" x JOIN "Message" m ON m."id" = x."messageId" WHERE m."chatId" = $1) AS "reactions",
       (SELECT "lastSeq" FROM "Chat" WHERE "id" = $1) AS "lastSeq"`,
    [chatId],
  );
  const expected = { messages: size, replies: 0, mentions: 0, reactions: 0, lastSeq: size };
  for (let seq = 1; seq <= size; seq += 1) {
    expected.replies += repliedOf(seq) === null ? 0 : 1;
    expected.mentions += mentionedOf(seq).length;
    expected.reactions += reactionsOf(seq).reduce((sum, group) => sum + group.users.length, 0);
  }
  if (JSON.stringify(stored) !== JSON.stringify(expected)) throw new Error(`S8 growth stored ${JSON.stringify(stored)}, expected ${JSON.stringify(expected)}`);
}
