import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { failureLog } from '../lib/failures';
import { type BenchUser, createGroupChat, inBatches, signUpUsers } from '../lib/fixtures';
import { GraphQLConnection } from '../lib/http-load';
import { type Contender, makeRow, measureRounds, median } from '../lib/rounds';
import type { ServerProcess } from '../lib/server-process';
import { BARE_WS, concurrently, openSubscribers, probeUntilLive, type Rooms, roomsOf, setRooms, startBareWs, type SubscriberTarget, waitUntil } from '../lib/subscribers';
import type { Goal, Measurement, Row, Scenario, ScenarioContext } from '../lib/types';

const SOCKETS_PER_USER = 5;
const GROUP_SIZE = 20;
const CHATS_PER_USER = 10;
const SENDERS = 8;
/** Full size, and --quick's: users (each in 10 groups of 20, 5 sockets each), measured messages, members of the one large group. */
const FULL = { users: 200, messages: 300, largeGroup: 1_000 };
const QUICK = { users: 40, messages: 40, largeGroup: 100 };
const GOAL_P99_MS = 200;
/** A round gives up waiting once no delivery has come for this long (what is missing then counts as failures). */
const QUIET_MS = 10_000;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const MODULE = fileURLToPath(import.meta.url);

const SEND = `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id seq clientId } }`;

/** One fan-out workload: the sockets to open, the chats to send to, and the same membership for the baseline. */
interface FanOut {
  /** Per socket: the token it signs in with and the chats (indexes into `chats`) it must hear. */
  sockets: { token: string; chats: number[] }[];
  /** Each chat and the token of the member who sends to it. */
  chats: { id: string; senderToken: string }[];
  rooms: Rooms;
  messages: number;
}

/**
 * S1: fan-out. Users with 5 sockets each, every socket subscribed to `messageAdded` (all the
 * user's chats) as a chat screen on Apollo Client does; groups of 20 members, each user in 10 of
 * them. 8 senders post `sendMessage` over HTTP, round-robin over the groups; the load generator
 * stamps each send and each receipt, so deliveries/s runs from the first send to the last receipt
 * and the p99 is of send-to-receipt. Baseline: a bare `ws` server with the same membership,
 * serializing each message once and writing it to every member socket. Every round checks that
 * each message reached exactly the sockets it should. Also reported: one group of the most
 * members the contract allows, one socket each, for about as many deliveries.
 */
export const s1: Scenario = {
  id: 'S1',
  title: 'fan-out: messageAdded to 5 sockets per user, groups of 20, 8 senders over HTTP',
  async run(context: ScenarioContext): Promise<Row[]> {
    const size = context.settings.quick ? QUICK : FULL;
    const url = await context.engine.parleyUrl();
    const users = await signUp(context, url, size.largeGroup);
    const groups = await prepareGroups(context, url, users.slice(0, size.users), size.messages);
    const large = await prepareLargeGroup(context, url, users, (size.messages * GROUP_SIZE * SOCKETS_PER_USER) / size.largeGroup);
    const parleyUrls = async () => [await context.engine.parleyUrl()];
    const onPostgres = context.engine.kind === 'postgresql';
    const report = (): Goal => ({ text: 'report', met: null });
    const baseline = await startBareWs();
    try {
      return [
        await compare(context, 'S1', this.title, groups, parleyUrls, baseline, (ratio, parley) => (onPostgres ? fanOutGoal(0.5, ratio, parley) : report())),
        await compare(context, 'S1 one group', `fan-out: one group of ${size.largeGroup.toLocaleString('en-US')} members, 1 socket each`, large, parleyUrls, baseline, report),
      ];
    } finally {
      await baseline.stop();
    }
  },
};

/**
 * S1r: S1 on two Parley instances sharing Redis, both on the server core (the baseline's core):
 * each user's sockets alternate between the instances, every message is sent to the first, so
 * most deliveries cross Redis. PostgreSQL only (two instances need a database server).
 */
export const s1r: Scenario = {
  id: 'S1R',
  title: 'S1 on two Parley instances sharing Redis, sockets spread over both, sends to the first',
  async run(context: ScenarioContext): Promise<Row[]> {
    if (context.engine.kind !== 'postgresql') {
      context.log('    S1r skipped: two instances need PostgreSQL (and Redis)');
      return [];
    }
    const size = context.settings.quick ? QUICK : FULL;
    const url = await context.engine.parleyUrl();
    const groups = await prepareGroups(context, url, await signUp(context, url, size.users), size.messages);
    const instances = await Promise.all(['redis-a', 'redis-b'].map((name) => context.engine.startInstance(name, { REDIS_URL })));
    const baseline = await startBareWs();
    try {
      const urls = instances.map((instance) => instance.url);
      return [await compare(context, 'S1r', this.title, groups, async () => urls, baseline, (ratio, parley) => fanOutGoal(0.4, ratio, parley))];
    } finally {
      await Promise.all([baseline.stop(), ...instances.map((instance) => instance.stop())]);
    }
  },
};

function fanOutGoal(minimum: number, ratio: number | null, parley: { p99: number }): Goal {
  return {
    text: `>= ${minimum.toFixed(2)}, p99 <= ${GOAL_P99_MS} ms`,
    met: ratio !== null && ratio >= minimum && parley.p99 <= GOAL_P99_MS,
  };
}

/** Parley (on the instances `parleyUrls` gives; messages go to the first) against the bare ws baseline, on one workload. */
async function compare(
  context: ScenarioContext,
  scenario: string,
  title: string,
  fanOut: FanOut,
  parleyUrls: () => Promise<string[]>,
  baseline: ServerProcess,
  goal: (ratio: number | null, parley: { p99: number }) => Goal,
): Promise<Row> {
  await setRooms(baseline, fanOut.rooms);
  const runTag = randomBytes(3).toString('hex');
  const job = (target: SubscriberTarget, urls: string[], tag: string) => {
    const params: FanOutParams = { target, socketUrls: urls, sendUrl: urls[0]!, sockets: fanOut.sockets, chats: fanOut.chats, messages: fanOut.messages, tag };
    return context.workers.load({ module: MODULE, load: 'fanOut', params, warmupMs: 0, measureMs: 0 });
  };
  const contenders: Contender[] = [
    { name: 'Parley', round: async (round) => job('parley', await parleyUrls(), `${runTag}p${round}`) },
    { name: BARE_WS, round: (round) => job('bare', [baseline.url], `${runTag}b${round}`) },
  ];
  const [parley, bare] = await measureRounds(context, scenario, contenders, 'deliveries/s');
  const deliveries = median(parley!.rounds.map((round) => round.count));
  return makeRow({
    scenario,
    title,
    engine: context.engine.kind,
    unit: 'deliveries/s',
    parley: parley!,
    baseline: bare!,
    notes: { sockets: fanOut.sockets.length, chats: fanOut.chats.length, messages: fanOut.messages, deliveries },
    goal: (ratio) => goal(ratio, parley!),
  });
}

async function signUp(context: ScenarioContext, url: string, count: number): Promise<BenchUser[]> {
  const started = Date.now();
  const users = await signUpUsers(url, count, 's1');
  context.log(`    S1 setup: ${count} users signed up in ${seconds(started)}`);
  return users;
}

/**
 * Groups of 20: chat c holds the 20 users from 2c on (wrapping; the stride is 20 / 10), so that
 * each user is in 10 chats; created through the API by their first member, who also sends to it. Every user opens
 * 5 sockets, all with the user's one access token.
 */
async function prepareGroups(context: ScenarioContext, url: string, users: BenchUser[], messages: number): Promise<FanOut> {
  const started = Date.now();
  const count = (users.length * CHATS_PER_USER) / GROUP_SIZE;
  const stride = GROUP_SIZE / CHATS_PER_USER;
  const memberLists = Array.from({ length: count }, (_, chat) => Array.from({ length: GROUP_SIZE }, (_, offset) => users[(stride * chat + offset) % users.length]!));
  const chatIds = await inBatches(count, 4, (chat) => createGroupChat(url, memberLists[chat]!, `s1 group ${chat}`));
  const chatsOf = new Map(users.map((user) => [user.id, [] as number[]]));
  memberLists.forEach((members, chat) => members.forEach((member) => chatsOf.get(member.id)!.push(chat)));
  context.log(`    S1 setup: ${count} groups of ${GROUP_SIZE} in ${seconds(started)}`);
  return {
    sockets: users.flatMap((user) => Array.from({ length: SOCKETS_PER_USER }, () => ({ token: user.token, chats: chatsOf.get(user.id)! }))),
    chats: chatIds.map((id, chat) => ({ id, senderToken: memberLists[chat]![0]!.token })),
    rooms: roomsOf(users, chatIds, memberLists),
    messages,
  };
}

/** One group of all `users`, created by the first (who sends every message), one socket each. */
async function prepareLargeGroup(context: ScenarioContext, url: string, users: BenchUser[], messages: number): Promise<FanOut> {
  const started = Date.now();
  const chatId = await createGroupChat(url, users, 's1 large group');
  context.log(`    S1 setup: one group of ${users.length} in ${seconds(started)}`);
  return {
    sockets: users.map((user) => ({ token: user.token, chats: [0] })),
    chats: [{ id: chatId, senderToken: users[0]!.token }],
    rooms: roomsOf(users, [chatId], [users]),
    messages,
  };
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

interface FanOutParams {
  target: SubscriberTarget;
  /** Sockets are spread round-robin over these; messages are sent to `sendUrl`. */
  socketUrls: string[];
  sendUrl: string;
  sockets: FanOut['sockets'];
  chats: FanOut['chats'];
  messages: number;
  /** Unique per round: marks this round's bodies and clientIds. */
  tag: string;
}

/**
 * In the load worker: opens the sockets, proves every subscription live, sends the measured
 * messages (message i to chat i mod chats) from 8 concurrent senders, each on its own keep-alive
 * connection, and waits for every delivery. A message missing from a socket, or delivered twice,
 * is a failure.
 */
async function fanOut(params: FanOutParams): Promise<Measurement> {
  const { failures, samples, fail } = failureLog();
  const chatIndex = new Map(params.chats.map((chat, index) => [chat.id, index]));
  const listeners = params.chats.map((_, chat) => params.sockets.filter((socket) => socket.chats.includes(chat)).length);
  const unheard = params.chats.map(() => new Set<number>());
  const sentAt = new Float64Array(params.messages);
  const got = new Uint32Array(params.messages);
  const latencies: number[] = [];
  let lastReceipt = 0;
  const probePrefix = `${params.tag} probe `;
  const messagePrefix = `${params.tag} message `;

  const subscribers = await openSubscribers(
    params.target,
    params.socketUrls,
    params.sockets.map((socket) => socket.token),
    (socket, message) => {
      const now = performance.now();
      if (message.body.startsWith(messagePrefix)) {
        const index = Number(message.body.slice(messagePrefix.length));
        got[index]! += 1;
        latencies.push(now - sentAt[index]!);
        lastReceipt = now;
      } else if (message.body.startsWith(probePrefix)) {
        unheard[chatIndex.get(message.chat.id)!]?.delete(socket);
      }
    },
    (error) => fail('SUBSCRIPTION_ERROR', error),
  );
  const connections = Array.from({ length: SENDERS }, () => new GraphQLConnection(params.sendUrl));
  const send = async (connection: GraphQLConnection, chat: number, body: string, clientId: string) => {
    const { id, senderToken } = params.chats[chat]!;
    try {
      await connection.request(SEND, { input: { chatId: id, body, clientId } }, senderToken);
    } catch (error) {
      fail((error as { code?: string }).code ?? 'SEND_ERROR', (error as Error).message);
    }
  };
  try {
    params.sockets.forEach((socket, index) => socket.chats.forEach((chat) => unheard[chat]!.add(index)));
    const silent = await probeUntilLive(unheard, connections, (connection, chat, attempt) =>
      send(connection, chat, `${probePrefix}${attempt}`, `${params.tag}-p${attempt}-${chat}`),
    );
    if (silent > 0) fail('NOT_LIVE', `${silent} socket-chat pairs never heard a probe`, silent);

    const expected = Array.from(got, (_, index) => listeners[index % params.chats.length]!).reduce((sum, count) => sum + count, 0);
    const firstSend = performance.now();
    await concurrently(connections, params.messages, (connection, index) => {
      sentAt[index] = performance.now();
      return send(connection, index % params.chats.length, `${messagePrefix}${index}`, `${params.tag}-m${index}`);
    });
    await waitUntil(() => latencies.length >= expected, () => lastReceipt, QUIET_MS);

    got.forEach((count, index) => {
      const should = listeners[index % params.chats.length]!;
      if (count < should) fail('MISSING', `message ${index}: ${count} of ${should} deliveries`, should - count);
      if (count > should) fail('DUPLICATE', `message ${index}: ${count} deliveries for ${should} sockets`, count - should);
    });
    const sorted = latencies.sort((a, b) => a - b);
    const percentile = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
    return {
      throughput: latencies.length / ((lastReceipt - firstSend) / 1000),
      p50: percentile(0.5),
      p99: percentile(0.99),
      max: sorted.at(-1) ?? Number.NaN,
      count: latencies.length,
      completed: latencies.length,
      failures,
      samples: Object.keys(failures).length > 0 ? [`${latencies.length} of ${expected} deliveries`, ...samples].slice(0, 5) : [],
    };
  } finally {
    await Promise.all([...subscribers.map((subscriber) => subscriber.close()), ...connections.map((connection) => connection.close())]);
  }
}

export const loads = { fanOut };
