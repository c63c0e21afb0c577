import { fileURLToPath } from 'node:url';
import { runClosedLoop } from '../lib/closed-loop';
import { GraphQLConnection } from '../lib/http-load';
import { type Contender, makeRow, measureRounds } from '../lib/rounds';
import { type DbSpec, openSql } from '../lib/sql';
import { CheckFailure, type Measurement, type Row, type Scenario, type ScenarioContext, type Timing } from '../lib/types';
import { prepareSearch, SEARCH_PAGE, type SearchData, SEARCHERS, type Searcher } from './s6-search-data';

const POOL_SIZE = 16;
const GOAL_P99_MS = 50;
const MODULE = fileURLToPath(import.meta.url);

const SEARCH = `query Search($query: String!) {
  searchMessages(query: $query, first: ${SEARCH_PAGE}) {
    edges { cursor highlight node { id body createdAt chat { id } author { id username } } }
    pageInfo { hasNextPage }
  }
}`;

/**
 * Parley's search statement (src/modules/messages/message-search.sql.ts) as it runs for a first
 * page of all the viewer's chats, with the authors' names joined in as S5's baseline does: $1
 * viewer, $2 the query's words, $3 rows. The words are folded and joined into a tsquery exactly as
 * Parley does, the last one as a prefix.
 */
const DIRECT_SEARCH = `
WITH words AS (
  SELECT regexp_replace(public.parley_unaccent(w."word"), '[^[:alnum:]]+', '', 'g') AS "word", w."n"
  FROM unnest($2::text[]) WITH ORDINALITY AS w("word", "n")
), terms AS (
  SELECT to_tsquery('simple', string_agg(quote_literal("word") || CASE WHEN "n" = cardinality($2::text[]) THEN ':*' ELSE '' END, ' & ' ORDER BY "n")) AS "query"
  FROM words WHERE "word" <> ''
)
SELECT m."id", m."chatId", m."body", m."createdAt", u."username",
  COALESCE((SELECT json_agg(a ORDER BY a."position") FROM "Attachment" a WHERE a."messageId" = m."id"), '[]'::json) AS "attachments"
FROM terms, "ChatMember" cm
JOIN "Message" m ON m."chatId" = cm."chatId"
JOIN "User" u ON u."id" = m."authorId"
WHERE cm."userId" = $1 AND m."searchVector" @@ terms."query" AND m."seq" > cm."clearedSeq" AND m."deletedAt" IS NULL
ORDER BY m."createdAt" DESC, m."id" DESC
LIMIT $3`;

/**
 * S6: message search. 1,000,000 messages in 1,000 group chats (100,000 in 100 with --quick), written
 * straight into the tables; 16 clients, each its own user in 50 of the chats, search all their chats
 * for two words (one of 4 queries, the last word as typed so far: a prefix), first page of 20,
 * newest first. Baseline: the same search statement through the driver, 16 loops, in a process
 * pinned like Parley. Every answer must be exactly the page a regular expression over the bodies
 * finds: the same ids in the same order, each in one of the searcher's chats, each body holding the words.
 */
export const s6: Scenario = {
  id: 'S6',
  title: `searchMessages for two words (the last a prefix), first ${SEARCH_PAGE}, ${SEARCHERS} clients each in 50 chats`,
  async run(context: ScenarioContext): Promise<Row[]> {
    const data = await prepareSearch(context);
    logData(context, data);
    const onPostgres = context.engine.kind === 'postgresql';
    const contenders: Contender[] = [
      {
        name: 'Parley',
        round: async (_round, timing) => {
          const params: ParleySearchParams = { url: await context.engine.parleyUrl(), clients: data.searchers };
          return context.workers.load({ module: MODULE, load: 'parleySearch', params, ...timing });
        },
      },
      {
        name: onPostgres ? `node-postgres, pool ${POOL_SIZE}` : 'PGlite directly, in one process',
        round: async (_round, timing) => {
          const params: DirectSearchParams = { db: await context.engine.release(), searchers: data.searchers, poolSize: POOL_SIZE };
          return context.workers.server({ module: MODULE, load: 'directSearch', params, ...timing });
        },
      },
    ];
    const [parley, baseline] = await measureRounds(context, 'S6', contenders, 'searches/s');
    const hits = data.searchers.map((searcher) => searcher.expected.total);
    return [
      makeRow({
        scenario: 'S6',
        title: `${this.title}, ${data.messages.toLocaleString('en-US')} messages in ${data.chats.toLocaleString('en-US')} chats`,
        engine: context.engine.kind,
        unit: 'searches/s',
        parley: parley!,
        baseline: baseline!,
        notes: {
          messages: data.messages,
          chats: data.chats,
          setupSeconds: data.setupSeconds,
          insertSeconds: data.insertSeconds,
          queries: data.queries.map((query, index) => `"${query.text}" (ranks ${query.ranks.join(' and ')}, ${data.candidates[index]} in the table)`).join('; '),
          hitsPerSearcher: `${Math.min(...hits)}-${Math.max(...hits)}`,
        },
        goal: () => (onPostgres ? { text: `p99 <= ${GOAL_P99_MS} ms`, met: parley!.p99 <= GOAL_P99_MS } : { text: 'report', met: null }),
      }),
    ];
  },
};

function logData(context: ScenarioContext, data: SearchData): void {
  data.queries.forEach((query, index) => {
    const hits = data.searchers.filter((searcher) => searcher.query.text === query.text).map((searcher) => searcher.expected.total);
    context.log(
      `    S6 query "${query.text}": words of ranks ${query.ranks.join(' and ')} (vocabulary words starting with "${query.prefix}": ${query.prefixWords}), ` +
        `${data.candidates[index]} messages in the table, ${hits.join('/')} in each of its searchers' chats`,
    );
  });
  context.log(`    S6 setup: ${data.setupSeconds.toFixed(1)} s in all`);
}

/** One search result as both contenders give it. */
interface Found {
  id: string;
  chatId: string;
  body: string | null;
  createdAt: number;
}

/**
 * The answer must be the expected page: the same ids in the same order (newest first), and, checked
 * on their own, each in the searcher's chats, its body holding the first word and a word beginning
 * with the prefix (case folded), sent no later than the one before it.
 */
function checkAnswer(client: Searcher, found: Found[], hasNextPage: boolean): void {
  const { expected, query } = client;
  const ids = found.map((result) => result.id);
  if (ids.join() !== expected.ids.join()) {
    throw new CheckFailure('WRONG_ANSWER', `"${query.text}": ${ids.length} results, expected ${expected.ids.length}; first ${ids[0]} (expected ${expected.ids[0]})`);
  }
  const chats = new Set(client.chatIds);
  found.forEach((result, index) => {
    const words = (result.body ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u);
    if (!chats.has(result.chatId)) throw new CheckFailure('NOT_MY_CHAT', `${result.id} is in chat ${result.chatId}`);
    if (!words.includes(query.exact) || !words.some((word) => word.startsWith(query.prefix))) {
      throw new CheckFailure('WRONG_ANSWER', `"${query.text}" found "${result.body}"`);
    }
    if (index > 0 && result.createdAt > found[index - 1]!.createdAt) throw new CheckFailure('WRONG_ORDER', `${result.id} is newer than the result before it`);
  });
  if (hasNextPage !== expected.total > SEARCH_PAGE) throw new CheckFailure('WRONG_ANSWER', `hasNextPage ${hasNextPage} with ${expected.total} matches`);
}

interface ParleySearchParams {
  url: string;
  clients: Searcher[];
}

type SearchAnswer = {
  searchMessages: {
    edges: { highlight: string; node: { id: string; body: string | null; createdAt: string; chat: { id: string }; author: { username: string } | null } }[];
    pageInfo: { hasNextPage: boolean };
  };
};

/** In the load worker: each client asks its query over its own connection, again and again. */
async function parleySearch(params: ParleySearchParams, timing: Timing): Promise<Measurement> {
  const connections = params.clients.map((client) => new GraphQLConnection(params.url, client.token));
  return runClosedLoop(
    {
      clients: connections.length,
      once: async (index) => {
        const client = params.clients[index]!;
        const { searchMessages } = await connections[index]!.request<SearchAnswer>(SEARCH, { query: client.query.text });
        for (const { highlight, node } of searchMessages.edges) {
          if (!node.author?.username || !highlight.includes('<mark>')) throw new CheckFailure('WRONG_ANSWER', `result ${node.id}: ${JSON.stringify({ highlight, author: node.author })}`);
        }
        const found = searchMessages.edges.map(({ node }) => ({ id: node.id, chatId: node.chat.id, body: node.body, createdAt: Date.parse(node.createdAt) }));
        checkAnswer(client, found, searchMessages.pageInfo.hasNextPage);
      },
      close: async () => {
        await Promise.all(connections.map((connection) => connection.close()));
      },
    },
    timing,
  );
}

interface DirectSearchParams {
  db: DbSpec;
  searchers: Searcher[];
  poolSize: number;
}

/** In the server-core worker: the same statement through the driver, one loop per searcher. */
async function directSearch(params: DirectSearchParams, timing: Timing): Promise<Measurement> {
  const sql = await openSql(params.db, params.poolSize);
  return runClosedLoop(
    {
      clients: params.searchers.length,
      once: async (index) => {
        const client = params.searchers[index]!;
        const rows = await sql.query<{ id: string; chatId: string; body: string | null; createdAt: Date; username: string }>(DIRECT_SEARCH, [
          client.userId,
          client.query.words,
          SEARCH_PAGE + 1,
        ]);
        if (rows.some((row) => !row.username)) throw new CheckFailure('WRONG_ANSWER', 'a result without its author');
        const found = rows.slice(0, SEARCH_PAGE).map((row) => ({ ...row, createdAt: row.createdAt.getTime() }));
        checkAnswer(client, found, rows.length > SEARCH_PAGE);
      },
      close: () => sql.close(),
    },
    timing,
  );
}

export const loads = { parleySearch, directSearch };
