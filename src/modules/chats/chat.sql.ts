import { jsonTimestamp } from '../../db/sql';
import { ATTACHMENT_JSON } from '../messages/message.sql';
import { USER_JSON } from '../users/user.sql';
import type { Chat } from './chat.type';

/** What a chat list page reads besides the chats themselves, as the operation selected it. */
export interface ChatListWants {
  lastMessage: boolean;
  lastMessageAuthor: boolean;
  members: boolean;
  memberUsers: boolean;
}

const MEMBER_JSON = (alias: string) => `json_build_object('chatId', ${alias}."chatId", 'userId', ${alias}."userId",
  'role', ${alias}."role", 'joinedAt', ${alias}."joinedAt", 'lastReadSeq', ${alias}."lastReadSeq",
  'lastDeliveredSeq', ${alias}."lastDeliveredSeq")`;

/**
 * A page of viewer $1's chats as of snapshot $2, most recent activity first, after the cursor
 * ($3 activity, $4 id; null on the first page), $5 rows; with the viewer's membership, and, as
 * asked ($6-$9), each chat's last message (and its author) and members (and their users).
 * Activity is each chat's as of the snapshot, so chats that move up meanwhile are neither skipped
 * nor repeated between pages.
 */
export const CHAT_LIST = `
SELECT c."id", c."kind"::text AS "kind", c."name", c."createdAt", c."lastActivityAt", c."lastSeq", a."activity",
  ${MEMBER_JSON('m')} AS "viewerMember",
  CASE WHEN $6::boolean THEN (
    SELECT json_build_object('id', lm."id", 'chatId', lm."chatId", 'authorId', lm."authorId", 'seq', lm."seq", 'body', lm."body",
      'clientId', lm."clientId", 'createdAt', lm."createdAt", 'editedAt', lm."editedAt", 'deletedAt', lm."deletedAt",
      'attachments', COALESCE((
        SELECT json_agg(${ATTACHMENT_JSON('at')} ORDER BY at."position")
        FROM "Attachment" at WHERE at."messageId" = lm."id"), '[]'::json),
      'author', CASE WHEN $7::boolean THEN (SELECT ${USER_JSON('au')} FROM "User" au WHERE au."id" = lm."authorId") END)
    FROM "Message" lm WHERE lm."chatId" = c."id" AND lm."seq" = c."lastSeq") END AS "lastMessage",
  CASE WHEN $8::boolean THEN (
    SELECT json_agg(json_build_object('member', ${MEMBER_JSON('cm')}, 'user', CASE WHEN $9::boolean THEN ${USER_JSON('mu')} END)
      ORDER BY cm."joinedAt", cm."userId")
    FROM "ChatMember" cm JOIN "User" mu ON mu."id" = cm."userId" WHERE cm."chatId" = c."id") END AS "members"
FROM "ChatMember" m
JOIN "Chat" c ON c."id" = m."chatId"
CROSS JOIN LATERAL (
  SELECT CASE WHEN c."lastActivityAt" <= $2::timestamp THEN c."lastActivityAt" ELSE COALESCE(
    (SELECT msg."createdAt" FROM "Message" msg
      WHERE msg."chatId" = c."id" AND msg."createdAt" <= $2::timestamp ORDER BY msg."seq" DESC LIMIT 1),
    c."createdAt") END AS "activity"
) a
WHERE m."userId" = $1 AND m."joinedAt" <= $2::timestamp AND c."createdAt" <= $2::timestamp
  AND ($3::timestamp IS NULL OR (a."activity", c."id") < ($3::timestamp, $4::text))
ORDER BY a."activity" DESC, c."id" DESC
LIMIT $5`;

/** A chat read as JSON, its timestamps as Dates again. */
export function chatFromJson(chat: Chat): Chat {
  return { ...chat, createdAt: jsonTimestamp(chat.createdAt), lastActivityAt: jsonTimestamp(chat.lastActivityAt) };
}
