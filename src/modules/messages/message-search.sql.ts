import type { Chat } from '../chats/chat.type';
import { USER_JSON } from '../users/user.sql';
import type { UserRecord } from '../users/user.type';
import { ATTACHMENTS_JSON_OF, MESSAGE_FIELDS, type MessageRow } from './message.sql';

/**
 * searchMessages: viewer $1's messages (in chat $3 only, when given) that hold every word of $2,
 * the last one also as a prefix, compared as the search vector holds them (accents dropped, lower
 * case); past what the viewer cleared, never deleted ones; newest first, after the cursor ($4 time,
 * $5 id), $6 rows; attachments, author and chat read for those rows only.
 * The words are looked up in the viewer's chats only (parley_chat_search_query, the
 * search_within_chats migration): one scan of the GIN index, whose cost follows the viewer's
 * matching messages, not the whole table's. `found` is kept apart (MATERIALIZED) so that the
 * planner runs that one scan instead of one per chat.
 */
export const SEARCH_MESSAGES = `
WITH viewer AS MATERIALIZED (
  SELECT cm."chatId", cm."clearedSeq" FROM "ChatMember" cm WHERE cm."userId" = $1 AND ($3::text IS NULL OR cm."chatId" = $3::text)
), found AS MATERIALIZED (
  SELECT ${MESSAGE_FIELDS('m')}
  FROM "Message" m
  WHERE m."searchVector" @@ (SELECT public.parley_chat_search_query(array_agg(v."chatId"), $2::text[]) FROM viewer v)
    AND m."deletedAt" IS NULL AND ($4::timestamp IS NULL OR (m."createdAt", m."id") < ($4::timestamp, $5::text))
), hits AS (
  SELECT found.* FROM found JOIN viewer v ON v."chatId" = found."chatId" AND found."seq" > v."clearedSeq"
  ORDER BY found."createdAt" DESC, found."id" DESC
  LIMIT $6
)
SELECT hits.*, ${ATTACHMENTS_JSON_OF('hits')} AS "attachments", ${USER_JSON('u')} AS "author",
  json_build_object('id', c."id", 'kind', c."kind", 'name', c."name", 'createdAt', c."createdAt", 'lastActivityAt', c."lastActivityAt", 'lastSeq', c."lastSeq") AS "chat"
FROM hits JOIN "User" u ON u."id" = hits."authorId" JOIN "Chat" c ON c."id" = hits."chatId"
ORDER BY hits."createdAt" DESC, hits."id" DESC`;

export type SearchRow = MessageRow & {
  /** The author's public columns and the chat, as JSON: `author` and `chat` cost no statement of their own. */
  author: UserRecord;
  chat: Chat;
};
