import { ATTACHMENTS_JSON_OF, MESSAGE_FIELDS } from './message.sql';

/**
 * searchMessages: viewer $1's messages (in chat $3 only, when given) that hold every word of $2,
 * the last one also as a prefix, compared as the search vector holds them (accents dropped, lower
 * case); past what the viewer cleared, never deleted ones; newest first, after the cursor ($4 time,
 * $5 id), $6 rows; attachments read for those rows only. Run planned for its words (see
 * QueryOptions.planEachCall): rare words are found through the GIN index on the search vector,
 * common ones by walking the viewer's chats.
 */
export const SEARCH_MESSAGES = `
WITH words AS (
  SELECT regexp_replace(public.parley_unaccent(w."word"), '[^[:alnum:]]+', '', 'g') AS "word", w."n"
  FROM unnest($2::text[]) WITH ORDINALITY AS w("word", "n")
), terms AS (
  SELECT to_tsquery('simple', string_agg(quote_literal("word") || CASE WHEN "n" = cardinality($2::text[]) THEN ':*' ELSE '' END, ' & ' ORDER BY "n")) AS "query"
  FROM words WHERE "word" <> ''
), hits AS (
  SELECT ${MESSAGE_FIELDS('m')}
  FROM terms, "ChatMember" cm
  JOIN "Message" m ON m."chatId" = cm."chatId"
  WHERE cm."userId" = $1 AND ($3::text IS NULL OR cm."chatId" = $3::text)
    AND m."searchVector" @@ terms."query" AND m."seq" > cm."clearedSeq" AND m."deletedAt" IS NULL
    AND ($4::timestamp IS NULL OR (m."createdAt", m."id") < ($4::timestamp, $5::text))
  ORDER BY m."createdAt" DESC, m."id" DESC
  LIMIT $6
)
SELECT hits.*, ${ATTACHMENTS_JSON_OF('hits')} AS "attachments" FROM hits ORDER BY hits."createdAt" DESC, hits."id" DESC`;
