import type { Chat } from '../chats/chat.type';
import { USER_JSON } from '../users/user.sql';
import type { UserRecord } from '../users/user.type';
import { ATTACHMENTS_JSON_OF, MESSAGE_FIELDS, type MessageRow } from './message.sql';

/**
 * searchMessages: viewer $1's messages (in chat $3 only, when given) that hold every word of $2,
 * the last one also as a prefix, compared as the search vector holds them (accents dropped, lower
 * case); past what the viewer cleared, never deleted ones; newest first, after the cursor ($4 time,
 * $5 id), $6 rows; attachments, author and chat read for those rows only. Run planned for its words (see
 * QueryOptions.planEachCall): parley_search_query (the conversations migration) is immutable, so
 * the planner works the words' tsquery out first and sees how common they are: rare words are found
 * through the GIN index on the search vector, common ones by walking the viewer's chats.
 */
export const SEARCH_MESSAGES = `
WITH hits AS (
  SELECT ${MESSAGE_FIELDS('m')}
  FROM "ChatMember" cm
  JOIN "Message" m ON m."chatId" = cm."chatId"
  WHERE cm."userId" = $1 AND ($3::text IS NULL OR cm."chatId" = $3::text)
    AND m."searchVector" @@ public.parley_search_query($2::text[]) AND m."seq" > cm."clearedSeq" AND m."deletedAt" IS NULL
    AND ($4::timestamp IS NULL OR (m."createdAt", m."id") < ($4::timestamp, $5::text))
  ORDER BY m."createdAt" DESC, m."id" DESC
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
