-- Search within the searcher's chats: each word of a message is indexed together with its chat
-- ("<chat key>/<word>"), so that a search looks up its words in the searcher's chats only and its
-- cost follows their messages, not the whole table's (a word in 4% of a million messages is 40,000
-- index entries; in 50 of 1,000 chats, 2,000). The chat key is the first 8 hex digits of the chat
-- id's md5: two chats sharing one only cost a few more candidates, which the search's membership
-- join drops. Body words are runs of letters and digits (parley_search_vector), so no body word
-- holds the "/" and none is taken for a chat's.
DROP INDEX "Message_searchVector_idx";
ALTER TABLE "Message" DROP COLUMN "searchVector";
DROP FUNCTION parley_search_query(text[]);

-- The key of a chat in the search vector's words.
CREATE FUNCTION parley_chat_key(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT left(md5($1), 8) || '/' $$;

-- A message's words as search looks them up: each of the body's words (parley_search_vector) after
-- its chat's key. A word that would not fit a lexeme (2,047 bytes) with the key is left out, as
-- to_tsvector leaves out longer ones: a query (at most 200 characters) never names it anyway.
CREATE FUNCTION parley_chat_search_vector(chat text, body text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT array_to_tsvector(ARRAY(
      SELECT k.key || w.lexeme
      FROM (SELECT public.parley_chat_key(chat) AS key) k, unnest(public.parley_search_vector(body)) w
      WHERE octet_length(k.key) + octet_length(w.lexeme) <= 2047))
  $$;

-- A search's words in the given chats: a message matches when it is in one of them and holds every
-- word, the last one also as a prefix; each word folded as the vector folds the body's (accents
-- dropped, lower case, only letters and digits kept). The words are folded and joined once, each
-- behind a "#" (a folded word holds only letters and digits, so "'#" marks exactly where a word
-- starts), and each chat's copy puts the chat's key there. Null when no word is left.
CREATE FUNCTION parley_chat_search_query(chats text[], words text[]) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$
    WITH terms AS MATERIALIZED (
      SELECT string_agg(quote_literal('#' || f.word) || CASE WHEN f.n = cardinality(words) THEN ':*' ELSE '' END, ' & ' ORDER BY f.n) AS terms
      FROM (SELECT lower(regexp_replace(public.parley_unaccent(u.word), '[^[:alnum:]]+', '', 'g')) AS word, u.n FROM unnest(words) WITH ORDINALITY AS u(word, n)) f
      WHERE f.word <> ''
    )
    SELECT string_agg('(' || replace(terms.terms, '''#', '''' || public.parley_chat_key(chat.id)) || ')', ' | ')::tsquery
    FROM terms, unnest(chats) AS chat(id)
    WHERE terms.terms IS NOT NULL
  $$;

ALTER TABLE "Message" ADD COLUMN "searchVector" tsvector GENERATED ALWAYS AS (public.parley_chat_search_vector("chatId", "body")) STORED;

CREATE INDEX "Message_searchVector_idx" ON "Message" USING GIN ("searchVector");
