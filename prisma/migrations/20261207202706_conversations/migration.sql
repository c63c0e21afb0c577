-- AlterTable
ALTER TABLE "ChatMember" ADD COLUMN     "archived" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "clearedSeq" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "hidden" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "mutedUntil" TIMESTAMP(3),
ADD COLUMN     "pinnedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "mentionIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "pinnedAt" TIMESTAMP(3),
ADD COLUMN     "pinnedById" TEXT,
ADD COLUMN     "reactionSummary" JSONB,
ADD COLUMN     "replyToId" TEXT;

-- CreateTable
CREATE TABLE "Mention" (
    "messageId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "chatId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,

    CONSTRAINT "Mention_pkey" PRIMARY KEY ("messageId","userId")
);

-- CreateTable
CREATE TABLE "Reaction" (
    "messageId" TEXT NOT NULL,
    "emoji" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Reaction_pkey" PRIMARY KEY ("messageId","emoji","userId")
);

-- CreateIndex
CREATE INDEX "Mention_userId_chatId_seq_idx" ON "Mention"("userId", "chatId", "seq");

-- CreateIndex
CREATE INDEX "Reaction_userId_idx" ON "Reaction"("userId");

-- CreateIndex
CREATE INDEX "Message_chatId_createdAt_idx" ON "Message"("chatId", "createdAt");

-- CreateIndex
CREATE INDEX "Message_chatId_pinnedAt_idx" ON "Message"("chatId", "pinnedAt" DESC);

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_replyToId_fkey" FOREIGN KEY ("replyToId") REFERENCES "Message"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_pinnedById_fkey" FOREIGN KEY ("pinnedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mention" ADD CONSTRAINT "Mention_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mention" ADD CONSTRAINT "Mention_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reaction" ADD CONSTRAINT "Reaction_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reaction" ADD CONSTRAINT "Reaction_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Message search (written by hand: Prisma's schema has no words for an extension, a function or a
-- generated column). unaccent is a trusted extension: a database owner without superuser rights
-- may create it (managed PostgreSQL allows it). A generated column needs an immutable expression,
-- and unaccent() is only stable (its dictionary could change): the wrapper names the dictionary
-- and its schema, which makes it safe to declare immutable.
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

CREATE FUNCTION parley_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

-- The words of a text as search sees them: accents dropped, runs of letters and digits (anything
-- else separates words, so "ana@example.com" is three words), lower-cased by the simple configuration.
CREATE FUNCTION parley_search_vector(text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT to_tsvector('simple'::regconfig, regexp_replace(public.parley_unaccent(coalesce($1, '')), '[^[:alnum:]]+', ' ', 'g')) $$;

-- A search query's words as a tsquery that every word must match, the last one also as a prefix,
-- each folded as the vector folds the body's. Immutable: given the words as a constant, the planner
-- works it out before planning, and so knows how common they are (rare words: the GIN index).
CREATE FUNCTION parley_search_query(text[]) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$
    SELECT to_tsquery('simple'::regconfig, string_agg(quote_literal(w.folded) || CASE WHEN w.n = cardinality($1) THEN ':*' ELSE '' END, ' & ' ORDER BY w.n))
    FROM (SELECT regexp_replace(public.parley_unaccent(word), '[^[:alnum:]]+', '', 'g') AS folded, n FROM unnest($1) WITH ORDINALITY AS u(word, n)) w
    WHERE w.folded <> ''
  $$;

ALTER TABLE "Message" ADD COLUMN "searchVector" tsvector GENERATED ALWAYS AS (public.parley_search_vector("body")) STORED;

CREATE INDEX "Message_searchVector_idx" ON "Message" USING GIN ("searchVector");
