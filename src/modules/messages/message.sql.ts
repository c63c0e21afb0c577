import { jsonTimestamp } from '../../db/sql';
import type { Chat } from '../chats/chat.type';
import { USER_JSON } from '../users/user.sql';
import type { UserRecord } from '../users/user.type';
import type { MessageRecord } from './message.type';

/** A message row with its attachments (a JSON array, in position order). */
export type MessageRow = MessageRecord;

/** A message row with its author's public columns, prefixed `author_`. */
export type MessageWithAuthorRow = MessageRow & { [TKey in keyof UserRecord as `author_${TKey}`]: UserRecord[TKey] };

const MESSAGE_COLUMNS = `m."id", m."chatId", m."seq", m."authorId", m."body", m."clientId", m."createdAt", m."editedAt", m."deletedAt"`;

/** The attachments of message `m`, in order, as the API shows them. */
const ATTACHMENTS_OF_M = `COALESCE((
  SELECT json_agg(json_build_object('url', a."url", 'name', a."name", 'mimeType', a."mimeType", 'sizeBytes', a."sizeBytes") ORDER BY a."position")
  FROM "Attachment" a WHERE a."messageId" = m."id"), '[]'::json) AS "attachments"`;

const AUTHOR_COLUMNS = `u."id" AS "author_id", u."username" AS "author_username", u."displayName" AS "author_displayName",
  u."bio" AS "author_bio", u."avatarUrl" AS "author_avatarUrl", u."createdAt" AS "author_createdAt",
  u."lastSeenAt" AS "author_lastSeenAt", u."email" AS "author_email"`;

export interface SendMessageRow {
  isMember: boolean;
  blocked: boolean;
  /** Null when nothing was stored: refused, or the clientId was used before (then `earlier` is set). */
  seq: number | null;
  createdAt: Date | null;
  /** The author's read and delivered pointers before the send. */
  previousRead: number | null;
  previousDelivered: number | null;
  /** As JSON: its timestamps are text (see `fromJsonTimestamps`). */
  earlier: MessageRow | null;
  /** The chat as the send left it (JSON), when stored. */
  chat: Chat | null;
  /** The author's public columns (JSON). */
  author: UserRecord | null;
}

/** A message read as JSON, its timestamps as Dates again. */
export function fromJsonTimestamps(row: MessageRow): MessageRow {
  return { ...row, createdAt: jsonTimestamp(row.createdAt), editedAt: jsonTimestamp(row.editedAt), deletedAt: jsonTimestamp(row.deletedAt) };
}

/**
 * sendMessage in one statement: $1 chat, $2 author, $3 new message id, $4 body, $5 clientId,
 * $6 attachments (JSON array of {position, url, name, mimeType, sizeBytes}).
 * - The chat's row lock is taken first, as membership changes take it first too; membership is then
 *   read with a row lock of its own, which sees a removal that committed while this waited.
 * - seq is taken under the chat's row lock, only when the author may write: gap-free.
 * - A clientId the author used before stores nothing and returns that message; two sends racing
 *   with one clientId meet the unique index, and the loser's statement stores nothing at all.
 * - Writing implies having read up to one's own message: the author's pointers move with it.
 */
export const SEND_MESSAGE = `
WITH earlier AS (
  SELECT ${MESSAGE_COLUMNS}, ${ATTACHMENTS_OF_M}
  FROM "Message" m WHERE $5::text IS NOT NULL AND m."authorId" = $2 AND m."clientId" = $5
), chat AS (
  SELECT c."id", c."kind", c."name", c."createdAt" FROM "Chat" c WHERE c."id" = $1 AND NOT EXISTS (SELECT 1 FROM earlier) FOR UPDATE
), member AS (
  SELECT chat."id" AS "chatId", chat."kind", cm."lastReadSeq", cm."lastDeliveredSeq"
  FROM chat JOIN "ChatMember" cm ON cm."chatId" = chat."id" AND cm."userId" = $2
  FOR SHARE OF cm
), blocked AS (
  SELECT 1 FROM member
  JOIN "ChatMember" other ON other."chatId" = member."chatId" AND other."userId" <> $2
  JOIN "Friendship" f ON f."userId" = other."userId" AND f."otherUserId" = $2 AND f."status" = 'BLOCKED'
  WHERE member."kind" = 'PRIVATE'
), taken AS (
  UPDATE "Chat" c SET "lastSeq" = c."lastSeq" + 1, "lastActivityAt" = GREATEST(clock_timestamp(), c."lastActivityAt")
  FROM member WHERE c."id" = member."chatId" AND NOT EXISTS (SELECT 1 FROM blocked)
  RETURNING c."id", c."lastSeq", c."lastActivityAt"
), inserted AS (
  INSERT INTO "Message" ("id", "chatId", "seq", "authorId", "body", "clientId", "createdAt")
  SELECT $3, taken."id", taken."lastSeq", $2, $4, $5, taken."lastActivityAt" FROM taken
  RETURNING "seq", "createdAt"
), attached AS (
  INSERT INTO "Attachment" ("messageId", "position", "url", "name", "mimeType", "sizeBytes")
  SELECT $3, a."position", a."url", a."name", a."mimeType", a."sizeBytes"
  FROM inserted, json_to_recordset($6::json) AS a("position" int, "url" text, "name" text, "mimeType" text, "sizeBytes" int)
), pointers AS (
  UPDATE "ChatMember" cm SET "lastReadSeq" = GREATEST(cm."lastReadSeq", inserted."seq"),
    "lastDeliveredSeq" = GREATEST(cm."lastDeliveredSeq", inserted."seq")
  FROM inserted WHERE cm."chatId" = $1 AND cm."userId" = $2
)
SELECT EXISTS (SELECT 1 FROM member) AS "isMember", EXISTS (SELECT 1 FROM blocked) AS "blocked",
  inserted."seq", inserted."createdAt",
  (SELECT member."lastReadSeq" FROM member) AS "previousRead", (SELECT member."lastDeliveredSeq" FROM member) AS "previousDelivered",
  (SELECT row_to_json(earlier) FROM earlier) AS "earlier",
  (SELECT json_build_object('id', chat."id", 'kind', chat."kind", 'name', chat."name", 'createdAt', chat."createdAt",
    'lastActivityAt', taken."lastActivityAt", 'lastSeq', taken."lastSeq") FROM chat, taken) AS "chat",
  (SELECT ${USER_JSON('u')} FROM "User" u WHERE u."id" = $2) AS "author"
FROM (SELECT 1) one LEFT JOIN inserted ON true`;

/** The message a clientId names, after a send lost the race for it. $1 author, $2 clientId. */
export const MESSAGE_BY_CLIENT_ID = `
SELECT ${MESSAGE_COLUMNS}, ${ATTACHMENTS_OF_M} FROM "Message" m WHERE m."authorId" = $1 AND m."clientId" = $2`;

export interface HistoryRow extends Partial<MessageWithAuthorRow> {
  /** Always there when the viewer is a member; the message columns are null when the page is empty. */
  member: true;
}

/**
 * One page of a chat's history with its authors, if the viewer ($2) is a member of the chat ($1):
 * no row at all means not a member; one row with null message columns means an empty page.
 * Keyset on (chatId, seq), never an OFFSET: `$3 < seq < $4`, at most `$5` rows from the oldest
 * (forward) or from the newest (backward) end, returned oldest first.
 */
function historyPage(direction: 'ASC' | 'DESC'): string {
  return `
SELECT true AS "member", ${MESSAGE_COLUMNS}, ${ATTACHMENTS_OF_M}, ${AUTHOR_COLUMNS}
FROM "ChatMember" viewer
LEFT JOIN LATERAL (
  SELECT * FROM "Message" page
  WHERE page."chatId" = viewer."chatId" AND page."seq" > $3 AND page."seq" < $4
  ORDER BY page."seq" ${direction} LIMIT $5
) m ON true
LEFT JOIN "User" u ON u."id" = m."authorId"
WHERE viewer."chatId" = $1 AND viewer."userId" = $2
ORDER BY m."seq"`;
}

export const HISTORY_FORWARD = historyPage('ASC');
export const HISTORY_BACKWARD = historyPage('DESC');
