import { jsonObjectOf, jsonTimestamp } from '../../db/sql';
import { ATTACHMENTS_JSON_OF, MESSAGE_JSON } from '../messages/message.sql';
import { USER_JSON } from '../users/user.sql';
import { type Chat, chatMemberColumns } from './chat.type';

/** What a chat list page reads besides the chats themselves, as the operation selected it. */
export interface ChatListWants {
  lastMessage: boolean;
  lastMessageAuthor: boolean;
  members: boolean;
  memberUsers: boolean;
  unreadMentionCount: boolean;
}

/** A membership as a JSON object (chatMemberColumns), from the row aliased `alias`. */
const MEMBER_JSON = (alias: string) => jsonObjectOf(alias, Object.keys(chatMemberColumns));

/**
 * A page of viewer $1's chats as of snapshot $2: the ones they pinned first (most recently pinned
 * first), then most recent activity first; after the cursor ($3 pin time or -infinity, $4 activity,
 * $5 id; null on the first page), $6 rows; archived ones only ($11) or the others; with the viewer's
 * membership, and, as asked ($7-$10, $12), each chat's last message (and its author), members (and
 * their users) and the viewer's unread mentions. Activity and pins are each chat's as of the
 * snapshot, so chats that move up meanwhile are neither skipped nor repeated between pages. A chat
 * the viewer hid (clearChatHistory) is left out until a message comes past what they cleared, and
 * its last message is one they have not cleared.
 */
export const CHAT_LIST = `
SELECT c."id", c."kind"::text AS "kind", c."name", c."createdAt", c."lastActivityAt", c."lastSeq", a."activity", a."pinned",
  ${MEMBER_JSON('m')} AS "viewerMember",
  CASE WHEN $7::boolean THEN (
    SELECT ${MESSAGE_JSON('lm', {
      attachments: ATTACHMENTS_JSON_OF('lm'),
      author: `CASE WHEN $8::boolean THEN (SELECT ${USER_JSON('au')} FROM "User" au WHERE au."id" = lm."authorId") END`,
    })}
    FROM "Message" lm WHERE lm."chatId" = c."id" AND lm."seq" = c."lastSeq" AND lm."seq" > m."clearedSeq") END AS "lastMessage",
  CASE WHEN $9::boolean THEN (
    SELECT json_agg(json_build_object('member', ${MEMBER_JSON('cm')}, 'user', CASE WHEN $10::boolean THEN ${USER_JSON('mu')} END)
      ORDER BY cm."joinedAt", cm."userId")
    FROM "ChatMember" cm JOIN "User" mu ON mu."id" = cm."userId" WHERE cm."chatId" = c."id") END AS "members",
  CASE WHEN $12::boolean THEN (
    SELECT count(*)::int FROM "Mention" mm WHERE mm."userId" = $1 AND mm."chatId" = c."id" AND mm."seq" > m."lastReadSeq") END AS "unreadMentions"
FROM "ChatMember" m
JOIN "Chat" c ON c."id" = m."chatId"
CROSS JOIN LATERAL (
  SELECT CASE WHEN c."lastActivityAt" <= $2::timestamp THEN c."lastActivityAt" ELSE COALESCE(
    (SELECT msg."createdAt" FROM "Message" msg
      WHERE msg."chatId" = c."id" AND msg."createdAt" <= $2::timestamp ORDER BY msg."seq" DESC LIMIT 1),
    c."createdAt") END AS "activity",
    CASE WHEN m."pinnedAt" <= $2::timestamp THEN m."pinnedAt" ELSE '-infinity'::timestamp END AS "pinned"
) a
WHERE m."userId" = $1 AND m."joinedAt" <= $2::timestamp AND c."createdAt" <= $2::timestamp
  AND m."archived" = $11::boolean AND (NOT m."hidden" OR c."lastSeq" > m."clearedSeq")
  AND ($4::timestamp IS NULL OR (a."pinned", a."activity", c."id") < ($3::timestamp, $4::timestamp, $5::text))
ORDER BY a."pinned" DESC, a."activity" DESC, c."id" DESC
LIMIT $6`;

/** A chat read as JSON, its timestamps as Dates again. */
export function chatFromJson(chat: Chat): Chat {
  return { ...chat, createdAt: jsonTimestamp(chat.createdAt), lastActivityAt: jsonTimestamp(chat.lastActivityAt) };
}

/** Viewer $1's unread mentions in each of chats $2: mentions past their read pointer (a deleted message's are gone with it). */
export const UNREAD_MENTIONS = `
SELECT mm."chatId", count(*)::int AS "count"
FROM "Mention" mm JOIN "ChatMember" cm ON cm."chatId" = mm."chatId" AND cm."userId" = mm."userId"
WHERE mm."userId" = $1 AND mm."chatId" = ANY($2::text[]) AND mm."seq" > cm."lastReadSeq"
GROUP BY mm."chatId"`;

/**
 * Viewer $1's badge numbers at instant $2 in one statement: chats with unread messages and those
 * messages (chats muted past $2 left out), and unread mentions in every chat, muted ones included.
 */
export const UNREAD_SUMMARY = `
SELECT count(*) FILTER (WHERE c."lastSeq" > m."lastReadSeq" AND muted.muted IS NOT TRUE)::int AS "chats",
  COALESCE(sum(c."lastSeq" - m."lastReadSeq") FILTER (WHERE c."lastSeq" > m."lastReadSeq" AND muted.muted IS NOT TRUE), 0)::int AS "messages",
  (SELECT count(*)::int FROM "Mention" mm JOIN "ChatMember" mc ON mc."chatId" = mm."chatId" AND mc."userId" = mm."userId"
    WHERE mm."userId" = $1 AND mm."seq" > mc."lastReadSeq") AS "mentions"
FROM "ChatMember" m JOIN "Chat" c ON c."id" = m."chatId"
CROSS JOIN LATERAL (SELECT m."mutedUntil" > $2::timestamp AS "muted") muted
WHERE m."userId" = $1`;

/**
 * clearChatHistory for member $2 of chat $1: their history starts after the chat's lastSeq, which
 * they have now read (and received); hidden ($3) until a message comes past it. One statement
 * under the member's row lock. No row: not a member.
 */
export const CLEAR_HISTORY = `
WITH target AS (
  SELECT m."chatId", m."userId", m."lastReadSeq" AS "previousRead", m."lastDeliveredSeq" AS "previousDelivered", c."lastSeq"
  FROM "ChatMember" m JOIN "Chat" c ON c."id" = m."chatId"
  WHERE m."chatId" = $1 AND m."userId" = $2
  FOR UPDATE OF m
)
UPDATE "ChatMember" m SET "clearedSeq" = GREATEST(m."clearedSeq", t."lastSeq"), "hidden" = $3::boolean,
  "lastReadSeq" = GREATEST(m."lastReadSeq", t."lastSeq"), "lastDeliveredSeq" = GREATEST(m."lastDeliveredSeq", t."lastSeq")
FROM target t
WHERE m."chatId" = t."chatId" AND m."userId" = t."userId"
RETURNING m."lastReadSeq", m."lastDeliveredSeq", t."previousRead", t."previousDelivered"`;
