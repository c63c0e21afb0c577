import { columnsOf, jsonObjectOf, jsonTimestamp } from '../../db/sql';
import type { Chat } from '../chats/chat.type';
import { USER_JSON } from '../users/user.sql';
import type { UserRecord } from '../users/user.type';
import { type Attachment, attachmentColumns, messageColumns, type MessageRecord } from './message.type';

/** A message row with its attachments (a JSON array, in position order). */
export type MessageRow = MessageRecord;

const MESSAGE_COLUMN_NAMES = Object.keys(messageColumns);

/** A message's columns, from the row aliased `alias` (see MessageRecord). */
export const MESSAGE_FIELDS = (alias: string) => columnsOf(alias, MESSAGE_COLUMN_NAMES);

/** The same columns as a JSON object (read back with `fromJsonTimestamps`), with `extra` keys and values besides. */
export const MESSAGE_JSON = (alias: string, extra?: Record<string, string>) => jsonObjectOf(alias, MESSAGE_COLUMN_NAMES, extra);

const MESSAGE_COLUMNS = MESSAGE_FIELDS('m');

const ATTACHMENT_COLUMN_NAMES = Object.keys(attachmentColumns);

/** An attachment's columns (attachmentColumns), from the row aliased `alias`. */
export const ATTACHMENT_FIELDS = (alias: string) => columnsOf(alias, ATTACHMENT_COLUMN_NAMES);

/** An attachment as a JSON object (attachmentColumns), from the row aliased `alias`. */
export const ATTACHMENT_JSON = (alias: string) => jsonObjectOf(alias, ATTACHMENT_COLUMN_NAMES);

/** The attachments of the message aliased `alias`, in order, as a JSON array. */
export const ATTACHMENTS_JSON_OF = (alias: string) => `COALESCE((
  SELECT json_agg(${ATTACHMENT_JSON('a')} ORDER BY a."position")
  FROM "Attachment" a WHERE a."messageId" = ${alias}."id"), '[]'::json)`;

/** The attachments of message `m`, in order, as the API shows them. */
const ATTACHMENTS_OF_M = `${ATTACHMENTS_JSON_OF('m')} AS "attachments"`;

/** Why an attachment's upload cannot be attached. */
export type RefusedUploadReason = 'unknown' | 'avatar' | 'pending' | 'attached';

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
  /** The stored attachments (JSON, in order), when stored. */
  attachments: Attachment[] | null;
  /** The first attachment whose upload the author may not attach (then nothing was stored). */
  refusedUpload: { position: number; reason: RefusedUploadReason } | null;
  /** replyToId names no live message of the chat (then nothing was stored). */
  badReply: boolean;
  /** A mentioned user is not a member of the chat (then nothing was stored). */
  badMentions: boolean;
  /** The message answered, with its author (JSON), when stored with one. */
  replyTo: { message: MessageRow; author: UserRecord } | null;
  /** The mentioned users (JSON), in the order given, when stored with any. */
  mentioned: UserRecord[] | null;
}

/** A message read as JSON, its timestamps as Dates again. */
export function fromJsonTimestamps<TRow extends Omit<MessageRow, 'attachments'>>(row: TRow): TRow {
  return {
    ...row,
    createdAt: jsonTimestamp(row.createdAt),
    editedAt: jsonTimestamp(row.editedAt),
    deletedAt: jsonTimestamp(row.deletedAt),
    pinnedAt: jsonTimestamp(row.pinnedAt),
  };
}

/**
 * sendMessage in one statement: $1 chat, $2 author, $3 new message id, $4 body, $5 clientId,
 * $6 attachments (JSON array of {position, url, uploadId, name, mimeType, sizeBytes}), $7 the
 * message answered (or null), $8 the users mentioned (distinct ids, in order).
 * - The chat's row lock is taken first, as membership changes take it first too; membership is then
 *   read with a row lock of its own, which sees a removal that committed while this waited.
 * - seq is taken under the chat's row lock, only when the author may write: gap-free.
 * - A clientId the author used before stores nothing and returns that message; two sends racing
 *   with one clientId meet the unique index, and the loser's statement stores nothing at all.
 * - Writing implies having read up to one's own message: the author's pointers move with it.
 * - An upload is attached only when it is the author's own READY ATTACHMENT upload, on no message
 *   yet and not on its way out; it is locked meanwhile (a sweep skips it, a removal waits). Any
 *   other stores nothing. Two sends of one upload at once meet the unique index on uploadId.
 * - The message answered is a live one of the same chat, and everyone mentioned a member of it
 *   (read under the chat's lock, like the author's membership); otherwise nothing is stored.
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
), reply AS (
  SELECT ${MESSAGE_COLUMNS}, ${ATTACHMENTS_OF_M}
  FROM member JOIN "Message" m ON m."chatId" = member."chatId" WHERE m."id" = $7::text AND m."deletedAt" IS NULL
), mentioned AS (
  SELECT (w."position" - 1)::int AS "position", cm."userId"
  FROM member CROSS JOIN unnest($8::text[]) WITH ORDINALITY AS w("userId", "position")
  JOIN "ChatMember" cm ON cm."chatId" = member."chatId" AND cm."userId" = w."userId"
), wrong AS (
  SELECT ($7::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM reply)) AS "badReply",
    (SELECT count(*) FROM mentioned) < cardinality($8::text[]) AS "badMentions"
), blocked AS (
  SELECT 1 FROM member
  JOIN "ChatMember" other ON other."chatId" = member."chatId" AND other."userId" <> $2
  JOIN "Friendship" f ON f."userId" = other."userId" AND f."otherUserId" = $2 AND f."status" = 'BLOCKED'
  WHERE member."kind" = 'PRIVATE'
), wanted AS (
  SELECT * FROM json_to_recordset($6::json) AS w("position" int, "url" text, "uploadId" text, "name" text, "mimeType" text, "sizeBytes" int)
), uploads AS (
  SELECT u."id", u."name", u."mimeType", u."sizeBytes", u."width", u."height", u."fileKey", u."previewKey"
  FROM "Upload" u JOIN wanted ON wanted."uploadId" = u."id"
  WHERE u."ownerId" = $2 AND u."purpose" = 'ATTACHMENT' AND u."status" = 'READY' AND u."deletingSince" IS NULL
    AND NOT EXISTS (SELECT 1 FROM "Attachment" x WHERE x."uploadId" = u."id")
  FOR SHARE OF u
), refused AS (
  SELECT wanted."position", CASE WHEN u."id" IS NULL OR u."ownerId" <> $2 OR u."deletingSince" IS NOT NULL THEN 'unknown'
    WHEN u."purpose" <> 'ATTACHMENT' THEN 'avatar' WHEN u."status" <> 'READY' THEN 'pending' ELSE 'attached' END AS "reason"
  FROM wanted LEFT JOIN "Upload" u ON u."id" = wanted."uploadId"
  WHERE wanted."uploadId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM uploads WHERE uploads."id" = wanted."uploadId")
), taken AS (
  UPDATE "Chat" c SET "lastSeq" = c."lastSeq" + 1, "lastActivityAt" = GREATEST(clock_timestamp(), c."lastActivityAt")
  FROM member, wrong WHERE c."id" = member."chatId" AND NOT EXISTS (SELECT 1 FROM blocked) AND NOT EXISTS (SELECT 1 FROM refused)
    AND NOT wrong."badReply" AND NOT wrong."badMentions"
  RETURNING c."id", c."lastSeq", c."lastActivityAt"
), inserted AS (
  INSERT INTO "Message" ("id", "chatId", "seq", "authorId", "body", "clientId", "createdAt", "replyToId", "mentionIds")
  SELECT $3, taken."id", taken."lastSeq", $2, $4, $5, taken."lastActivityAt", $7,
    COALESCE((SELECT array_agg(mentioned."userId" ORDER BY mentioned."position") FROM mentioned), ARRAY[]::text[])
  FROM taken
  RETURNING "seq", "createdAt"
), attached AS (
  INSERT INTO "Attachment" ("messageId", "position", "url", "uploadId", "name", "mimeType", "sizeBytes", "width", "height", "fileKey", "previewKey")
  SELECT $3, wanted."position", wanted."url", u."id", COALESCE(u."name", wanted."name"), COALESCE(u."mimeType", wanted."mimeType"),
    COALESCE(u."sizeBytes", wanted."sizeBytes"), u."width", u."height", u."fileKey", u."previewKey"
  FROM inserted CROSS JOIN wanted LEFT JOIN uploads u ON u."id" = wanted."uploadId"
  RETURNING *
), mentions AS (
  INSERT INTO "Mention" ("messageId", "userId", "position", "chatId", "seq")
  SELECT $3, mentioned."userId", mentioned."position", $1, inserted."seq" FROM inserted CROSS JOIN mentioned
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
  (SELECT ${USER_JSON('u')} FROM "User" u WHERE u."id" = $2) AS "author",
  (SELECT json_agg(${ATTACHMENT_JSON('a')} ORDER BY a."position") FROM attached a) AS "attachments",
  (SELECT json_build_object('position', r."position", 'reason', r."reason") FROM refused r ORDER BY r."position" LIMIT 1) AS "refusedUpload",
  COALESCE((SELECT wrong."badReply" FROM wrong WHERE EXISTS (SELECT 1 FROM member)), false) AS "badReply",
  COALESCE((SELECT wrong."badMentions" FROM wrong WHERE EXISTS (SELECT 1 FROM member)), false) AS "badMentions",
  (SELECT json_build_object('message', row_to_json(reply), 'author', ${USER_JSON('ru')})
    FROM inserted, reply JOIN "User" ru ON ru."id" = reply."authorId") AS "replyTo",
  (SELECT json_agg(${USER_JSON('mu')} ORDER BY mentioned."position")
    FROM inserted, mentioned JOIN "User" mu ON mu."id" = mentioned."userId") AS "mentioned"
FROM (SELECT 1) one LEFT JOIN inserted ON true`;

/** The message a clientId names, after a send lost the race for it. $1 author, $2 clientId. */
export const MESSAGE_BY_CLIENT_ID = `
SELECT ${MESSAGE_COLUMNS}, ${ATTACHMENTS_OF_M} FROM "Message" m WHERE m."authorId" = $1 AND m."clientId" = $2`;
