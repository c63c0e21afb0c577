import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { runClosedLoop } from '../lib/closed-loop';
import { type BenchUser, createGroupChat, graphql, inBatches, signUpUsers } from '../lib/fixtures';
import { GraphQLConnection } from '../lib/http-load';
import { type Contender, makeRow, measureRounds } from '../lib/rounds';
import { CheckFailure, type Measurement, type Row, type Scenario, type ScenarioContext, type Timing } from '../lib/types';

const CLIENTS = 32;
/** Plain throughput over reply throughput, at most. */
const GOAL_SLOWDOWN = 1.2;
const MODULE = fileURLToPath(import.meta.url);

/** S3's mutation, word for word. */
const PLAIN_SEND = `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id seq clientId } }`;
/** The same, with what a client shows of a reply: the message answered and who is mentioned. */
const REPLY_SEND = `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id seq clientId replyTo { id } mentions { id } } }`;

/** One client: its own user and session, writing in its own group of three, whose two other members it mentions. */
interface Writer {
  chatId: string;
  token: string;
  mentionUserIds: [string, string];
  /** A message of the chat to answer before this client has sent one of its own. */
  firstReplyToId: string;
}

/**
 * S7: sending a reply that mentions two members. 32 clients as in S3, each its own user writing
 * in its own chat, one message at a time with a unique clientId; the chats are groups of three (a
 * ring: user i with users i+1 and i+2) so that there are two members to mention. Each reply answers
 * the client's previous message and mentions the two others. Against it, on the same clients and
 * chats, Parley's plain send (S3's mutation). Each stretch of rounds is checked by counting the
 * messages, mentions and replies stored against the sends that succeeded.
 */
export const s7: Scenario = {
  id: 'S7',
  title: `sendMessage with replyToId and 2 mentions, ${CLIENTS} clients in ${CLIENTS} groups of 3`,
  async run(context: ScenarioContext): Promise<Row[]> {
    const writers = await prepare(context);
    const runTag = randomBytes(3).toString('hex');
    const stored = await storedRowCheck(context, writers.map((writer) => writer.chatId));
    const contender = (name: string, reply: boolean): Contender => ({
      name,
      round: async (round, timing) => {
        const params: SendParams = { url: await context.engine.parleyUrl(), writers, reply, tag: `${runTag}${reply ? 'r' : 'p'}${round}` };
        return context.workers.load({ module: MODULE, load: 'parleySend', params, ...timing });
      },
      settle: stored(reply),
    });
    const [replies, plain] = await measureRounds(context, 'S7', [contender('Parley, reply + 2 mentions', true), contender("Parley, plain send (S3's)", false)], 'msg/s');
    const onPostgres = context.engine.kind === 'postgresql';
    return [
      makeRow({
        scenario: 'S7',
        title: this.title,
        engine: context.engine.kind,
        unit: 'msg/s',
        parley: replies!,
        baseline: plain!,
        notes: {},
        goal: (ratio) => {
          const slowdown = ratio === null ? Number.NaN : 1 / ratio;
          const text = `plain / reply <= ${GOAL_SLOWDOWN} (x${slowdown.toFixed(2)})`;
          return onPostgres ? { text, met: slowdown <= GOAL_SLOWDOWN } : { text: `report (plain / reply x${slowdown.toFixed(2)})`, met: null };
        },
      }),
    ];
  },
};

/** 32 users through the API; user i creates a group with users i+1 and i+2 and posts its first message there. */
async function prepare(context: ScenarioContext): Promise<Writer[]> {
  const url = await context.engine.parleyUrl();
  const started = Date.now();
  const users = await signUpUsers(url, CLIENTS, 's7');
  const writers = await inBatches(CLIENTS, 4, async (client): Promise<Writer> => {
    const [author, first, second] = [0, 1, 2].map((offset) => users[(client + offset) % CLIENTS]!) as [BenchUser, BenchUser, BenchUser];
    const chatId = await createGroupChat(url, [author, first, second], `s7 group ${client}`);
    const { sendMessage } = await graphql<{ sendMessage: { id: string } }>(url, PLAIN_SEND, { input: { chatId, body: 'where it starts' } }, author.token);
    return { chatId, token: author.token, mentionUserIds: [first.id, second.id], firstReplyToId: sendMessage.id };
  });
  context.log(`    S7 setup: ${CLIENTS} users, ${CLIENTS} groups in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return writers;
}

/**
 * The check run after each stretch of rounds: what was added to the chats since the previous
 * count must match the sends that answered success (warm-ups included): one message each, and for
 * replies one answered message and two mentions each; none for plain sends. A difference is a
 * failure of the stretch's last round. The count starts after setup, and is shared by both kinds: they take turns.
 */
async function storedRowCheck(context: ScenarioContext, chatIds: string[]): Promise<(reply: boolean) => NonNullable<Contender['settle']>> {
  type Counts = { messages: number; replies: number; mentions: number };
  const count = () =>
    context.engine.sql(async (sql) => {
      const [row] = await sql.query<Counts>(
        `SELECT count(*)::int AS "messages", count(m."replyToId")::int AS "replies",
           (SELECT count(*)::int FROM "Mention" x WHERE x."chatId" = ANY($1)) AS "mentions"
         FROM "Message" m WHERE m."chatId" = ANY($1)`,
        [chatIds],
      );
      return row!;
    });
  let before = await count();
  return (reply) => async (measurements) => {
    const now = await count();
    const succeeded = measurements.reduce((sum, measurement) => sum + measurement.completed, 0);
    const expected: Counts = { messages: succeeded, replies: reply ? succeeded : 0, mentions: reply ? 2 * succeeded : 0 };
    const last = measurements.at(-1)!;
    for (const key of ['messages', 'replies', 'mentions'] as const) {
      const added = now[key] - before[key];
      if (added === expected[key]) continue;
      last.failures.ROW_COUNT = (last.failures.ROW_COUNT ?? 0) + Math.abs(added - expected[key]);
      last.samples.push(`ROW_COUNT: ${added} ${key} stored for ${succeeded} successful ${reply ? 'replies' : 'plain sends'}, expected ${expected[key]}`);
    }
    before = now;
  };
}

interface SendParams {
  url: string;
  writers: Writer[];
  reply: boolean;
  tag: string;
}

type SendAnswer = { sendMessage: { id: string; seq: number; clientId: string; replyTo?: { id: string } | null; mentions?: { id: string }[] } };

/** In the load worker: each client sends to its chat over its own connection; a reply answers the client's previous message. */
async function parleySend(params: SendParams, timing: Timing): Promise<Measurement> {
  const connections = params.writers.map((writer) => new GraphQLConnection(params.url, writer.token));
  const sent = params.writers.map(() => 0);
  const previous = params.writers.map((writer) => writer.firstReplyToId);
  return runClosedLoop(
    {
      clients: params.writers.length,
      once: async (client) => {
        const writer = params.writers[client]!;
        const number = (sent[client]! += 1);
        const clientId = `${params.tag}-${client}-${number}`;
        const input = { chatId: writer.chatId, body: `bench message ${number}`, clientId };
        const answered = previous[client]!;
        const variables = { input: params.reply ? { ...input, replyToId: answered, mentionUserIds: writer.mentionUserIds } : input };
        const { sendMessage } = await connections[client]!.request<SendAnswer>(params.reply ? REPLY_SEND : PLAIN_SEND, variables);
        const right = Number.isInteger(sendMessage.seq) && sendMessage.clientId === clientId;
        const rightReply = !params.reply || (sendMessage.replyTo?.id === answered && sendMessage.mentions?.map((user) => user.id).join() === writer.mentionUserIds.join());
        if (!right || !rightReply) throw new CheckFailure('WRONG_ANSWER', `sent ${clientId}${params.reply ? ` answering ${answered}` : ''}, got ${JSON.stringify(sendMessage)}`);
        previous[client] = sendMessage.id;
      },
      close: async () => {
        await Promise.all(connections.map((connection) => connection.close()));
      },
    },
    timing,
  );
}

export const loads = { parleySend };
