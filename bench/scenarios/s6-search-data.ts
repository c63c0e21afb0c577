import { type BenchUser, signUpUsers } from '../lib/fixtures';
import { type Sql, uuid7Sql } from '../lib/sql';
import type { ScenarioContext } from '../lib/types';

/** Searchers (one client each), and how many of the chats each one is in. */
export const SEARCHERS = 16;
const CHATS_PER_SEARCHER = 50;
/** The page every search asks for. */
export const SEARCH_PAGE = 20;
/** Full size, and --quick's. Every chat gets the same number of messages. */
const FULL = { chats: 1_000, messages: 1_000_000 };
const QUICK = { chats: 100, messages: 100_000 };
/** Other users: the rest of each chat's members (4 per chat) and most of its authors. */
const OTHERS = 16;
const OTHERS_PER_CHAT = 4;
const VOCABULARY = 3_000;
/** Rows written per INSERT ... SELECT. */
const INSERT_BATCH = 100_000;
/** Messages are this far apart in time, chats interleaved: 1,000,000 messages span about a year. */
const MESSAGE_GAP_SECONDS = 30;
/**
 * The queries' words by frequency rank (1 = the most frequent of the vocabulary): the first word
 * whole, the second typed as a prefix. Ranks 30-130 of 3,000 are the middle of a Zipf curve: each
 * word is in about 1-4% of the messages, both together in 3-8 of every 10,000.
 */
const QUERY_RANKS: [number, number][] = [
  [30, 70],
  [40, 90],
  [50, 110],
  [60, 130],
];
/** Letters kept of the second word: what a user has typed so far. */
const PREFIX_LETTERS = 4;

export interface SearchQuery {
  /** What the client sends, e.g. "Kovabe tiru": the first word capitalized (search ignores case), the second cut short. */
  text: string;
  /** Its words, as Parley splits them. */
  words: [string, string];
  exact: string;
  prefix: string;
  ranks: [number, number];
  /** Vocabulary words the prefix matches (the second word among them). */
  prefixWords: number;
}

export interface Searcher {
  userId: string;
  token: string;
  chatIds: string[];
  query: SearchQuery;
  /** The right answer, found by a regular expression over the bodies of the searcher's chats: its first page, and how many there are. */
  expected: { ids: string[]; total: number };
}

export interface SearchData {
  searchers: Searcher[];
  queries: SearchQuery[];
  messages: number;
  chats: number;
  /** Seconds to write the messages (their search vectors and index entries made on insert) and VACUUM ANALYZE them. */
  insertSeconds: number;
  /** Seconds for everything: sign-ups, chats, messages, expected answers. */
  setupSeconds: number;
  /** Per query: messages of the whole table its words match (what the search index hands over before the chat filter). */
  candidates: number[];
}

/**
 * S6's data: SEARCHERS users through the API, each in 50 of the chats (disjoint at full size, 1,000
 * chats; overlapping with --quick's 100), OTHERS more users who fill every chat (4 each) and write
 * most messages. Chats, members and messages are written straight into the tables. Bodies are 4-17
 * words of a 3,000-word made-up vocabulary drawn with a Zipf-like frequency (rank r about as often as
 * 1/r), so that a query word has the hit counts a real one has.
 */
export async function prepareSearch(context: ScenarioContext): Promise<SearchData> {
  const started = Date.now();
  const size = context.settings.quick ? QUICK : FULL;
  const url = await context.engine.parleyUrl();
  const users = await signUpUsers(url, SEARCHERS + OTHERS, 's6');
  const [searchUsers, others] = [users.slice(0, SEARCHERS), users.slice(SEARCHERS)];
  const vocabulary = makeVocabulary(VOCABULARY);
  const queries = QUERY_RANKS.map((ranks) => chooseQuery(vocabulary, ranks));
  // Disjoint runs of 50 chats at full size; with --quick's 100 chats, runs starting 6 apart (each searcher its own set).
  const stride = Math.min(CHATS_PER_SEARCHER, Math.floor(size.chats / SEARCHERS));
  const chatsOf = searchUsers.map((_, searcher) => Array.from({ length: CHATS_PER_SEARCHER }, (_, index) => (searcher * stride + index) % size.chats));
  return context.engine.sql(async (sql) => {
    const chatIds = await insertChats(sql, size.chats);
    await insertMembers(sql, chatIds, chatsOf, searchUsers, others);
    const insertStarted = Date.now();
    await insertMessages(sql, { chatIds, chatsOf, searchUsers, others, vocabulary, messages: size.messages });
    const insertSeconds = (Date.now() - insertStarted) / 1000;
    context.log(`    S6: ${size.messages.toLocaleString('en-US')} messages in ${size.chats} chats written and vacuumed in ${insertSeconds.toFixed(1)} s`);
    const searchers = await expectedAnswers(sql, searchUsers, chatsOf.map((indexes) => indexes.map((index) => chatIds[index]!)), queries);
    const candidates = await Promise.all(queries.map((query) => countCandidates(sql, query)));
    return { searchers, queries, messages: size.messages, chats: size.chats, insertSeconds, setupSeconds: (Date.now() - started) / 1000, candidates };
  });
}

/** A seeded generator (mulberry32): the same vocabulary and queries on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), state | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Distinct pronounceable words of 2-4 syllables, some with a closing consonant; index 0 is rank 1. */
function makeVocabulary(size: number): string[] {
  const random = seeded(6);
  const pick = (letters: string) => letters[Math.floor(random() * letters.length)]!;
  const words = new Set<string>();
  while (words.size < size) {
    let word = '';
    for (let syllables = 2 + Math.floor(random() * 3); syllables > 0; syllables -= 1) word += pick('bdfgklmnprstvz') + pick('aeiou');
    words.add(random() < 0.3 ? word + pick('lmnrst') : word);
  }
  return [...words];
}

/**
 * The query for two ranks: the first rank's word, then the first word from the second rank on that
 * is longer than the prefix and shares it with no more frequent word (so that the prefix keeps the
 * query in the middle of the curve instead of matching a common word).
 */
function chooseQuery(vocabulary: string[], ranks: [number, number]): SearchQuery {
  const exact = vocabulary[ranks[0] - 1]!;
  const at = vocabulary.findIndex((word, index) => {
    if (index < ranks[1] - 1 || word.length <= PREFIX_LETTERS + 1) return false;
    const prefix = word.slice(0, PREFIX_LETTERS);
    return !vocabulary.slice(0, index).some((earlier) => earlier.startsWith(prefix)) && !exact.startsWith(prefix);
  });
  const prefix = vocabulary[at]!.slice(0, PREFIX_LETTERS);
  const first = exact[0]!.toUpperCase() + exact.slice(1);
  return {
    text: `${first} ${prefix}`,
    words: [first, prefix],
    exact,
    prefix,
    ranks: [ranks[0], at + 1],
    prefixWords: vocabulary.filter((word) => word.startsWith(prefix)).length,
  };
}

/** Group chats straight into the table; their ids in index order. */
async function insertChats(sql: Sql, count: number): Promise<string[]> {
  const rows = await sql.query<{ id: string; index: number }>(
    `INSERT INTO "Chat" ("id", "kind", "name", "createdAt", "lastActivityAt")
     SELECT ${uuid7Sql('now()', 'c')}, 'GROUP'::"ChatKind", 's6 chat ' || c, now() - interval '2 years', now() - interval '2 years'
     FROM generate_series(0, $1::int - 1) AS c
     RETURNING "id", substr("name", 9)::int AS "index"`,
    [count],
  );
  const ids: string[] = [];
  for (const row of rows) ids[row.index] = row.id;
  return ids;
}

/** Each chat's members: the searchers whose 50 chats include it, and 4 of the others (the first an owner). */
async function insertMembers(sql: Sql, chatIds: string[], chatsOf: number[][], searchers: BenchUser[], others: BenchUser[]): Promise<void> {
  const memberships: [chat: string, user: string, role: string][] = [];
  chatIds.forEach((chatId, chat) => {
    for (let slot = 0; slot < OTHERS_PER_CHAT; slot += 1) memberships.push([chatId, others[(chat + slot) % others.length]!.id, slot === 0 ? 'OWNER' : 'MEMBER']);
  });
  chatsOf.forEach((chats, searcher) => chats.forEach((chat) => memberships.push([chatIds[chat]!, searchers[searcher]!.id, 'MEMBER'])));
  const column = (index: 0 | 1 | 2) => memberships.map((membership) => membership[index]);
  await sql.query(`INSERT INTO "ChatMember" ("chatId", "userId", "role") SELECT * FROM unnest($1::text[], $2::text[], $3::"ChatRole"[])`, [column(0), column(1), column(2)]);
}

interface MessagePlan {
  chatIds: string[];
  chatsOf: number[][];
  searchUsers: BenchUser[];
  others: BenchUser[];
  vocabulary: string[];
  messages: number;
}

/**
 * Message k goes to chat k % chats as its seq k / chats + 1, sent MESSAGE_GAP_SECONDS after message
 * k - 1 (so chats interleave in time, as newest-first search sees them). Every fifth message of a
 * chat a searcher is in is a searcher's; the rest rotate over the chat's other members. A word of
 * rank r is drawn as floor((V + 1) ^ u) for u uniform in [0, 1): probability log(1 + 1/r) / log(V + 1),
 * Zipf's 1/r. The word count (4-17) comes from k, so that the subquery is evaluated per message.
 * The search vector and its index entries are made by the database on insert, as for a sent message.
 */
async function insertMessages(sql: Sql, plan: MessagePlan): Promise<void> {
  const chats = plan.chatIds.length;
  const searcherOf: (string | null)[] = plan.chatIds.map(() => null);
  plan.chatsOf.forEach((indexes, searcher) => indexes.forEach((chat) => (searcherOf[chat] ??= plan.searchUsers[searcher]!.id)));
  const authors = plan.others.map((user) => user.id);
  const base = new Date(Date.now() - (plan.messages + 3_600) * MESSAGE_GAP_SECONDS * 1000);
  for (let from = 0; from < plan.messages; from += INSERT_BATCH) {
    const to = Math.min(plan.messages, from + INSERT_BATCH) - 1;
    await sql.transaction(async (tx) => {
      // The same bodies on every run: random() is seeded per batch, on this transaction's connection.
      await tx.query('SELECT setseed($1)', [from / plan.messages]);
      await tx.query(
        `INSERT INTO "Message" ("id", "chatId", "seq", "authorId", "body", "createdAt")
         SELECT ${uuid7Sql('t.at', 'k')}, ($1::text[])[k % $3 + 1], k / $3 + 1,
           COALESCE(CASE WHEN (k / $3) % 5 = 0 THEN ($2::text[])[k % $3 + 1] END, ($4::text[])[(k % $3 + (k / $3) % ${OTHERS_PER_CHAT}) % cardinality($4::text[]) + 1]),
           upper(left(b.words, 1)) || substr(b.words, 2) || '.', t.at
         FROM generate_series($6::int, $7::int) AS k
         CROSS JOIN LATERAL (SELECT $8::timestamp + k * interval '${MESSAGE_GAP_SECONDS} seconds' AS at) AS t
         CROSS JOIN LATERAL (
           SELECT string_agg(($5::text[])[floor(power(cardinality($5::text[]) + 1, random()))::int], ' ') AS words
           FROM generate_series(1, 4 + (k * 9 + k / 14) % 14)
         ) AS b`,
        [plan.chatIds, searcherOf, chats, authors, plan.vocabulary, from, to, base],
      );
    });
  }
  await sql.query(
    `UPDATE "Chat" c SET "lastSeq" = last."seq", "lastActivityAt" = last."at"
     FROM (SELECT "chatId", max("seq") AS "seq", max("createdAt") AS "at" FROM "Message" WHERE "chatId" = ANY($1::text[]) GROUP BY "chatId") AS last
     WHERE c."id" = last."chatId"`,
    [plan.chatIds],
  );
  // Also empties the search index's list of pending entries, as autovacuum would have by then.
  await sql.query('VACUUM ANALYZE "Message"');
  await sql.query('VACUUM ANALYZE "Chat"');
  await sql.query('VACUUM ANALYZE "ChatMember"');
}

/**
 * Each searcher's right answer, found without the search vector: a case-insensitive regular
 * expression over the bodies (the first word whole, the second as a word's beginning) in the chats
 * of the searchers asking that query, newest first; then the searcher's own chats kept.
 */
async function expectedAnswers(sql: Sql, users: BenchUser[], chatIdsOf: string[][], queries: SearchQuery[]): Promise<Searcher[]> {
  const queryOf = (searcher: number) => searcher % queries.length;
  const found = await Promise.all(
    queries.map((query, index) => {
      const chats = chatIdsOf.filter((_, searcher) => queryOf(searcher) === index).flat();
      return sql.query<{ id: string; chatId: string }>(
        `SELECT m."id", m."chatId" FROM "Message" m WHERE m."chatId" = ANY($1::text[]) AND m."body" ~* $2 AND m."body" ~* $3
         ORDER BY m."createdAt" DESC, m."id" DESC`,
        [chats, `\\m${query.exact}\\M`, `\\m${query.prefix}`],
      );
    }),
  );
  return users.map((user, searcher) => {
    const chatIds = chatIdsOf[searcher]!;
    const mine = new Set(chatIds);
    const hits = found[queryOf(searcher)]!.filter((row) => mine.has(row.chatId));
    return { userId: user.id, token: user.token, chatIds, query: queries[queryOf(searcher)]!, expected: { ids: hits.slice(0, SEARCH_PAGE).map((row) => row.id), total: hits.length } };
  });
}

/** What the search index finds for a query in the whole table, before the viewer's chats narrow it (for the report). */
async function countCandidates(sql: Sql, query: SearchQuery): Promise<number> {
  const [row] = await sql.query<{ count: number }>(`SELECT count(*)::int AS count FROM "Message" WHERE "searchVector" @@ to_tsquery('simple', $1)`, [
    `${query.exact} & ${query.prefix}:*`,
  ]);
  return row!.count;
}
