import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runClosedLoop } from '../lib/closed-loop';
import { openPrivateChat, signUpUsers } from '../lib/fixtures';
import { GraphQLConnection } from '../lib/http-load';
import { ROOT } from '../lib/parley-process';
import { type Contender, makeRow, measureRounds } from '../lib/rounds';
import { startServerScript } from '../lib/server-process';
import { type DbSpec, openSql, uuid7 } from '../lib/sql';
import { CheckFailure, type Measurement, type Row, type Scenario, type ScenarioContext, type Timing } from '../lib/types';

const CLIENTS = 32;
const POOL_SIZE = 16;
const GOAL_RATIO = 0.4;
const GOAL_P99_MS = 20;
const MODULE = fileURLToPath(import.meta.url);
const CEILING = 'Apollo + Fastify + the same write, nothing else';

const SEND = `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id seq clientId } }`;

/** One client: its own user, session and private chat. */
interface Writer {
  chatId: string;
  authorId: string;
  token: string;
}

/**
 * S3: sending messages. 32 clients, each signed in as its own user, each sending to its own
 * private chat, one message at a time with a unique clientId. Baseline: the same write (the
 * chat's seq taken by UPDATE ... RETURNING, then the INSERT, in one transaction) straight through
 * the database driver, 32 writers, in a process pinned like Parley. Every round is checked by
 * counting the rows stored against the sends that succeeded.
 */
export const s3: Scenario = {
  id: 'S3',
  title: `sendMessage over HTTP, ${CLIENTS} clients in ${CLIENTS} private chats`,
  async run(context: ScenarioContext): Promise<Row[]> {
    const writers = await prepare(context);
    const chatIds = writers.map((writer) => writer.chatId);
    const runTag = randomBytes(3).toString('hex');
    const settle = storedRowCheck(context, chatIds);
    const onPostgres = context.engine.kind === 'postgresql';
    const contenders: Contender[] = [
      {
        name: 'Parley',
        round: async (round, timing) => {
          const params: ParleySendParams = { url: await context.engine.parleyUrl(), writers, tag: `${runTag}p${round}` };
          return context.workers.load({ module: MODULE, load: 'parleySend', params, ...timing });
        },
        settle,
      },
      {
        name: onPostgres ? `node-postgres, pool ${POOL_SIZE}` : 'PGlite directly, in one process',
        round: async (round, timing) => {
          const params: DirectSendParams = { db: await context.engine.release(), writers, poolSize: POOL_SIZE, tag: `${runTag}b${round}` };
          return context.workers.server({ module: MODULE, load: 'directSend', params, ...timing });
        },
        settle,
      },
    ];
    // The framework's ceiling needs a database another process can reach: PostgreSQL only.
    const ceiling = onPostgres ? await startCeiling(await context.engine.release()) : undefined;
    if (ceiling) {
      contenders.push({
        name: CEILING,
        round: async (round, timing) => {
          const params: ParleySendParams = { url: ceiling.url, writers, tag: `${runTag}c${round}` };
          return context.workers.load({ module: MODULE, load: 'parleySend', params, ...timing });
        },
        settle,
      });
    }
    const [parley, baseline, framework] = await measureRounds(context, 'S3', contenders, 'msg/s').finally(() => ceiling?.stop());
    const ceilingRows = framework
      ? [
          makeRow({
            scenario: 'S3 ceiling',
            title: `${this.title}: Parley against the stack's own ceiling`,
            engine: context.engine.kind,
            unit: 'msg/s',
            parley: parley!,
            baseline: framework,
            notes: {},
            goal: () => ({ text: 'report', met: null }),
          }),
        ]
      : [];
    return [
      makeRow({
        scenario: 'S3',
        title: this.title,
        engine: context.engine.kind,
        unit: 'msg/s',
        parley: parley!,
        baseline: baseline!,
        notes: {},
        goal: (ratio) =>
          onPostgres
            ? {
                text: `>= ${GOAL_RATIO.toFixed(2)}, p99 < ${GOAL_P99_MS} ms`,
                met: ratio !== null && ratio >= GOAL_RATIO && parley!.p99 < GOAL_P99_MS,
              }
            : { text: 'report', met: null },
      }),
      ...ceilingRows,
    ];
  },
};

/** S3's mutation on bare Apollo + Fastify, running the baseline's write and nothing else. */
async function startCeiling(db: DbSpec) {
  if (db.kind !== 'postgresql') throw new Error('The ceiling server needs PostgreSQL');
  return startServerScript(join(ROOT, 'bench/baselines/apollo-send.ts'), CEILING, { DATABASE_URL: db.url });
}

/**
 * 32 users through the API, in a ring: user i opens a private chat with user i+1 and writes in
 * it (32 distinct chats, each user in two of them, writing in one).
 */
async function prepare(context: ScenarioContext): Promise<Writer[]> {
  const url = await context.engine.parleyUrl();
  const started = Date.now();
  const users = await signUpUsers(url, CLIENTS, 's3');
  const writers: Writer[] = [];
  for (const [client, author] of users.entries()) {
    writers.push({ chatId: await openPrivateChat(url, author, users[(client + 1) % CLIENTS]!), authorId: author.id, token: author.token });
  }
  context.log(`    S3 setup: ${CLIENTS} users, ${CLIENTS} private chats in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return writers;
}

/**
 * The check run after each stretch of rounds: the rows added to the chats since the previous
 * count (the chats start empty) must equal the writes that answered success (warm-ups included).
 * A difference is a failure of the stretch's last round.
 */
function storedRowCheck(context: ScenarioContext, chatIds: string[]): NonNullable<Contender['settle']> {
  const count = () =>
    context.engine.sql(async (sql) => {
      const [row] = await sql.query<{ count: number }>('SELECT count(*)::int AS count FROM "Message" WHERE "chatId" = ANY($1)', [chatIds]);
      return row!.count;
    });
  let stored = 0;
  return async (measurements) => {
    const now = await count();
    const added = now - stored;
    stored = now;
    const succeeded = measurements.reduce((sum, measurement) => sum + measurement.completed, 0);
    if (added === succeeded) return;
    const last = measurements.at(-1)!;
    last.failures.ROW_COUNT = Math.abs(added - succeeded);
    last.samples.push(`ROW_COUNT: ${added} rows stored for ${succeeded} successful sends`);
  };
}

interface ParleySendParams {
  url: string;
  writers: Writer[];
  tag: string;
}

/** In the load worker: each client posts sendMessage to its chat over its own connection. */
async function parleySend(params: ParleySendParams, timing: Timing): Promise<Measurement> {
  const connections = params.writers.map((writer) => new GraphQLConnection(params.url, writer.token));
  const sent = params.writers.map(() => 0);
  return runClosedLoop(
    {
      clients: params.writers.length,
      once: async (client) => {
        const number = (sent[client]! += 1);
        const clientId = `${params.tag}-${client}-${number}`;
        const input = { chatId: params.writers[client]!.chatId, body: `bench message ${number}`, clientId };
        const { sendMessage } = await connections[client]!.request<{ sendMessage: { seq: number; clientId: string } }>(SEND, { input });
        if (!Number.isInteger(sendMessage.seq) || sendMessage.clientId !== clientId) {
          throw new CheckFailure('WRONG_ANSWER', `sent ${clientId}, got ${JSON.stringify(sendMessage)}`);
        }
      },
      close: async () => {
        await Promise.all(connections.map((connection) => connection.close()));
      },
    },
    timing,
  );
}

interface DirectSendParams {
  db: DbSpec;
  writers: Omit<Writer, 'token'>[];
  poolSize: number;
  tag: string;
}

/** In the server-core worker: the same write through the driver, the ceiling Parley is held to. */
async function directSend(params: DirectSendParams, timing: Timing): Promise<Measurement> {
  const sql = await openSql(params.db, params.poolSize);
  const sent = params.writers.map(() => 0);
  return runClosedLoop(
    {
      clients: params.writers.length,
      once: async (client) => {
        const number = (sent[client]! += 1);
        const { chatId, authorId } = params.writers[client]!;
        await sql.transaction(async (tx) => {
          const [taken] = await tx.query<{ lastSeq: number; lastActivityAt: Date }>(
            `UPDATE "Chat" SET "lastSeq" = "lastSeq" + 1, "lastActivityAt" = GREATEST(clock_timestamp(), "lastActivityAt")
             WHERE "id" = $1 RETURNING "lastSeq", "lastActivityAt"`,
            [chatId],
          );
          if (!taken) throw new CheckFailure('NOT_FOUND', `chat ${chatId}`);
          await tx.query(
            `INSERT INTO "Message" ("id", "chatId", "seq", "authorId", "body", "clientId", "createdAt") VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [uuid7(), chatId, taken.lastSeq, authorId, `bench message ${number}`, `${params.tag}-${client}-${number}`, taken.lastActivityAt],
          );
        });
      },
      close: () => sql.close(),
    },
    timing,
  );
}

export const loads = { parleySend, directSend };
