import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runClosedLoop } from '../lib/closed-loop';
import { inBatches, logIn, openPrivateChat, signUpUsers } from '../lib/fixtures';
import { GraphQLConnection } from '../lib/http-load';
import { ROOT } from '../lib/parley-process';
import { type Contender, makeRow, measureRounds } from '../lib/rounds';
import { startServerScript } from '../lib/server-process';
import { type DbSpec, openSql, uuid7Sql } from '../lib/sql';
import { CheckFailure, type Measurement, type Row, type Scenario, type ScenarioContext, type Summary, type Timing } from '../lib/types';

const CLIENTS = 16;
export const PAGE = 50;
const POOL_SIZE = 16;
const GOAL_RATIO = 0.5;
const GOAL_P99_GROWTH = 1.2;
/** Rows written per INSERT ... SELECT when growing the chat. */
const GROW_BATCH = 100_000;
const MODULE = fileURLToPath(import.meta.url);
const CEILING = 'Apollo + Fastify + the same SELECT, nothing else';

export const HISTORY = `query History($chatId: ID!, $afterSeq: Int!) {
  messagesSince(chatId: $chatId, afterSeq: $afterSeq, first: ${PAGE}) {
    nodes { id seq body createdAt author { id username } }
    pageInfo { hasNextPage }
  }
}`;

/** The keyset page Parley has to produce, joined to its authors (one more row tells whether a next page exists). */
const DIRECT_PAGE = `SELECT m."id", m."seq", m."body", m."createdAt", u."id" AS "authorId", u."username"
  FROM "Message" m JOIN "User" u ON u."id" = m."authorId"
  WHERE m."chatId" = $1 AND m."seq" > $2 ORDER BY m."seq" LIMIT ${PAGE + 1}`;

interface Reader {
  chatId: string;
  tokens: string[];
  authorIds: [string, string];
}

/**
 * S5: reading history. One private chat grown to 10,000 messages, then to 1,000,000 (100,000
 * with --quick) by writing rows straight into the table; at each size 16 clients (sessions of
 * the chat's two members) ask for pages of 50 after random seqs, with each message's author.
 * Baseline: the same keyset SELECT joined to the author, through the driver, 16 loops, in a
 * process pinned like Parley. Paging is flat when the p99 at the large size stays near the small.
 */
export const s5: Scenario = {
  id: 'S5',
  title: `history page (messagesSince first: ${PAGE}, with authors), ${CLIENTS} clients`,
  async run(context: ScenarioContext): Promise<Row[]> {
    const reader = await prepare(context);
    const onPostgres = context.engine.kind === 'postgresql';
    const sizes = context.settings.quick ? [10_000, 100_000] : [10_000, 1_000_000];
    const rows: Row[] = [];
    let small: Summary | undefined;
    // The framework's ceiling needs a database another process can reach: PostgreSQL only.
    const ceiling = onPostgres ? await startCeiling(await context.engine.release()) : undefined;
    try {
      for (const size of sizes) {
        const growSeconds = await grow(context, reader, size);
        const label = `S5 @${size.toLocaleString('en-US')}`;
        const contenders: Contender[] = [
          {
            name: 'Parley',
            round: async (_round, timing) => {
              const params: ParleyHistoryParams = { url: await context.engine.parleyUrl(), chatId: reader.chatId, tokens: reader.tokens, size };
              return context.workers.load({ module: MODULE, load: 'parleyHistory', params, ...timing });
            },
          },
          {
            name: onPostgres ? `node-postgres, pool ${POOL_SIZE}` : 'PGlite directly, in one process',
            round: async (_round, timing) => {
              const params: DirectHistoryParams = { db: await context.engine.release(), chatId: reader.chatId, size, poolSize: POOL_SIZE, clients: CLIENTS };
              return context.workers.server({ module: MODULE, load: 'directHistory', params, ...timing });
            },
          },
        ];
        if (ceiling) {
          contenders.push({
            name: CEILING,
            round: async (_round, timing) => {
              const params: ParleyHistoryParams = { url: ceiling.url, chatId: reader.chatId, tokens: reader.tokens, size };
              return context.workers.load({ module: MODULE, load: 'parleyHistory', params, ...timing });
            },
          });
        }
        const [parley, baseline, framework] = await measureRounds(context, label, contenders, 'pages/s');
        const smallP99 = small?.p99;
        rows.push(
          makeRow({
            scenario: label,
            title: `${this.title}, ${size.toLocaleString('en-US')} messages`,
            engine: context.engine.kind,
            unit: 'pages/s',
            parley: parley!,
            baseline: baseline!,
            notes: { messages: size, growSeconds, ...(smallP99 !== undefined && { p99GrowthOverSmallest: parley!.p99 / smallP99 }) },
            goal: (ratio) => {
              if (!onPostgres) return { text: smallP99 === undefined ? 'report' : `report (p99 x${(parley!.p99 / smallP99).toFixed(2)} of smallest)`, met: null };
              if (smallP99 === undefined) return { text: `>= ${GOAL_RATIO.toFixed(2)}`, met: ratio !== null && ratio >= GOAL_RATIO };
              const growth = parley!.p99 / smallP99;
              return {
                text: `>= ${GOAL_RATIO.toFixed(2)}, p99 <= ${GOAL_P99_GROWTH} x smallest (x${growth.toFixed(2)})`,
                met: ratio !== null && ratio >= GOAL_RATIO && growth <= GOAL_P99_GROWTH,
              };
            },
          }),
        );
        if (framework) {
          rows.push(
            makeRow({
              scenario: `${label} ceiling`,
              title: `${this.title}, ${size.toLocaleString('en-US')} messages: Parley against the stack's own ceiling`,
              engine: context.engine.kind,
              unit: 'pages/s',
              parley: parley!,
              baseline: framework,
              notes: { messages: size },
              goal: () => ({ text: 'report', met: null }),
            }),
          );
        }
        small ??= parley;
      }
    } finally {
      await ceiling?.stop();
    }
    return rows;
  },
};

/** S5's query on bare Apollo + Fastify, running the baseline's SELECT and nothing else. */
async function startCeiling(db: DbSpec) {
  if (db.kind !== 'postgresql') throw new Error('The ceiling server needs PostgreSQL');
  return startServerScript(join(ROOT, 'bench/baselines/apollo-history.ts'), CEILING, { DATABASE_URL: db.url });
}

/** Two users and their private chat through the API; 8 sessions of each read, 16 clients in all. */
async function prepare(context: ScenarioContext): Promise<Reader> {
  const url = await context.engine.parleyUrl();
  const users = await signUpUsers(url, 2, 's5');
  const [first, second] = [users[0]!, users[1]!];
  const chatId = await openPrivateChat(url, first, second);
  const more = await inBatches(CLIENTS - 2, 4, (index) => logIn(url, index % 2 === 0 ? first : second));
  return { chatId, tokens: [first.token, second.token, ...more], authorIds: [first.id, second.id] };
}

/**
 * Writes messages straight into the table up to `size` (seq continuing from the chat's lastSeq,
 * authors alternating between the members, createdAt one millisecond apart), keeps the chat's
 * lastSeq and lastActivityAt consistent, then VACUUM ANALYZE so that no autovacuum runs while
 * measuring. Returns the seconds it took.
 */
async function grow(context: ScenarioContext, reader: Reader, size: number): Promise<number> {
  const started = Date.now();
  await context.engine.sql(async (sql) => {
    const [chat] = await sql.query<{ lastSeq: number }>('SELECT "lastSeq" FROM "Chat" WHERE "id" = $1', [reader.chatId]);
    const base = new Date(Date.now() - 30 * 86_400_000);
    for (let from = chat!.lastSeq + 1; from <= size; from += GROW_BATCH) {
      const to = Math.min(size, from + GROW_BATCH - 1);
      await sql.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO "Message" ("id", "chatId", "seq", "authorId", "body", "createdAt")
           SELECT ${uuid7Sql('t.at', 's')}, $1, s, CASE WHEN s % 2 = 0 THEN $2 ELSE $3 END, 'history message ' || s, t.at
           FROM generate_series($4::int, $5::int) AS s, LATERAL (SELECT $6::timestamp + s * interval '1 millisecond' AS at) AS t`,
          [reader.chatId, reader.authorIds[0], reader.authorIds[1], from, to, base],
        );
        await tx.query(
          `UPDATE "Chat" SET "lastSeq" = $2::int, "lastActivityAt" = GREATEST("lastActivityAt", $3::timestamp + $2::int * interval '1 millisecond') WHERE "id" = $1`,
          [reader.chatId, to, base],
        );
      });
    }
    await sql.query('VACUUM ANALYZE "Message"');
    const [check] = await sql.query<{ count: number; lastSeq: number }>(
      `SELECT count(*)::int AS count, max(c."lastSeq") AS "lastSeq" FROM "Message" m JOIN "Chat" c ON c."id" = m."chatId" WHERE m."chatId" = $1`,
      [reader.chatId],
    );
    if (check!.count !== size || check!.lastSeq !== size) throw new Error(`S5 growth left ${check!.count} messages, lastSeq ${check!.lastSeq}, expected ${size}`);
  });
  const seconds = (Date.now() - started) / 1000;
  context.log(`    S5: chat grown to ${size.toLocaleString('en-US')} messages in ${seconds.toFixed(1)} s`);
  return seconds;
}

/** A seq after which a full page and one more message exist. */
const randomAfterSeq = (size: number) => Math.floor(Math.random() * (size - PAGE));

interface ParleyHistoryParams {
  url: string;
  chatId: string;
  tokens: string[];
  size: number;
}

/** In the load worker: each client asks for pages at random points over its own connection. */
async function parleyHistory(params: ParleyHistoryParams, timing: Timing): Promise<Measurement> {
  const connections = params.tokens.map((token) => new GraphQLConnection(params.url, token));
  type Page = { messagesSince: { nodes: { seq: number; author: { username: string } | null }[]; pageInfo: { hasNextPage: boolean } } };
  return runClosedLoop(
    {
      clients: connections.length,
      once: async (client) => {
        const afterSeq = randomAfterSeq(params.size);
        const { messagesSince } = await connections[client]!.request<Page>(HISTORY, { chatId: params.chatId, afterSeq });
        checkPage(afterSeq, messagesSince.nodes.map((node) => ({ seq: node.seq, username: node.author?.username })));
        if (!messagesSince.pageInfo.hasNextPage && afterSeq + PAGE < params.size) throw new CheckFailure('WRONG_ANSWER', 'hasNextPage false mid-history');
      },
      close: async () => {
        await Promise.all(connections.map((connection) => connection.close()));
      },
    },
    timing,
  );
}

interface DirectHistoryParams {
  db: DbSpec;
  chatId: string;
  size: number;
  poolSize: number;
  clients: number;
}

/** In the server-core worker: the same page through the driver. */
async function directHistory(params: DirectHistoryParams, timing: Timing): Promise<Measurement> {
  const sql = await openSql(params.db, params.poolSize);
  return runClosedLoop(
    {
      clients: params.clients,
      once: async () => {
        const afterSeq = randomAfterSeq(params.size);
        const rows = await sql.query<{ seq: number; username: string }>(DIRECT_PAGE, [params.chatId, afterSeq]);
        checkPage(afterSeq, rows.slice(0, PAGE));
      },
      close: () => sql.close(),
    },
    timing,
  );
}

/** A full page of consecutive seqs right after `afterSeq`, each with its author's name. */
function checkPage(afterSeq: number, page: { seq: number; username: string | undefined }[]): void {
  if (page.length !== PAGE) throw new CheckFailure('WRONG_ANSWER', `${page.length} messages after seq ${afterSeq}, expected ${PAGE}`);
  page.forEach((message, index) => {
    if (message.seq !== afterSeq + 1 + index || !message.username) {
      throw new CheckFailure('WRONG_ANSWER', `position ${index} after seq ${afterSeq}: ${JSON.stringify(message)}`);
    }
  });
}

export const loads = { parleyHistory, directHistory };
