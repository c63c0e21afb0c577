import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { failureLog } from '../lib/failures';
import { createGroupChat, signUpUsers } from '../lib/fixtures';
import { GraphQLConnection } from '../lib/http-load';
import { type Contender, makeRow, measureRounds } from '../lib/rounds';
import { BARE_WS, openSubscribers, probeUntilLive, residentKiB, roomsOf, setRooms, startBareWs, type SubscriberTarget } from '../lib/subscribers';
import type { Measurement, Row, Scenario, ScenarioContext } from '../lib/types';

/** Parley's cap per user: every user opens this many sockets. */
const SOCKETS_PER_USER = 50;
const SOCKETS = 15_000;
const QUICK_SOCKETS = 2_000;
/**
 * Sockets opened (and probed) before the first reading, and kept open: a fresh process's first
 * connections pay for code compiled and pools filled once, which is not a cost per socket.
 */
const WARM_SOCKETS = 200;
/** Time given to the server after the last socket is live, before its memory is read. */
const SETTLE_MS = 2_000;
const GOAL_RATIO = 2.5;
const MODULE = fileURLToPath(import.meta.url);

const SEND = `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id seq clientId } }`;

/**
 * S2: idle subscribers. 15,000 sockets (2,000 with --quick), 50 per user, each with one
 * `messageAdded` subscription (all the user's chats), proved live by one probe message in a group
 * of all the users; the server's resident memory (VmRSS) is read before they open and after, and
 * the difference divided by the sockets. Baseline: the bare ws server holding as many idle
 * sockets with the same membership. Each round measures a freshly started server (Parley
 * restarted, a new baseline process), warmed by 200 sockets first: memory a process has already
 * grown once would hide what the sockets cost.
 */
export const s2: Scenario = {
  id: 'S2',
  title: 'idle subscribers: server memory per socket, one messageAdded each, 50 sockets per user',
  async run(context: ScenarioContext): Promise<Row[]> {
    const sockets = context.settings.quick ? QUICK_SOCKETS : SOCKETS;
    const url = await context.engine.parleyUrl();
    const started = Date.now();
    const users = await signUpUsers(url, (sockets + WARM_SOCKETS) / SOCKETS_PER_USER, 's2');
    const chatId = await createGroupChat(url, users, 's2 everyone');
    context.log(`    S2 setup: ${users.length} users in one group in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const tokens = users.flatMap((user) => Array<string>(SOCKETS_PER_USER).fill(user.token));
    const runTag = randomBytes(3).toString('hex');
    const job = (target: SubscriberTarget, serverUrl: string, serverPid: number, tag: string) => {
      const params: IdleParams = { target, url: serverUrl, serverPid, tokens, chatId, senderToken: users[0]!.token, tag };
      return context.workers.load({ module: MODULE, load: 'idleSockets', params, warmupMs: 0, measureMs: 0 });
    };
    const contenders: Contender[] = [
      {
        name: 'Parley',
        round: async (round) => {
          await context.engine.restartParley();
          return job('parley', await context.engine.parleyUrl(), await context.engine.parleyPid(), `${runTag}p${round}`);
        },
      },
      {
        name: BARE_WS,
        round: async (round) => {
          const baseline = await startBareWs();
          try {
            await setRooms(baseline, roomsOf(users, [chatId], [users]));
            return await job('bare', baseline.url, baseline.pid, `${runTag}b${round}`);
          } finally {
            await baseline.stop();
          }
        },
      },
    ];
    const [parley, bare] = await measureRounds(context, 'S2', contenders, 'KiB/socket');
    const onPostgres = context.engine.kind === 'postgresql';
    return [
      makeRow({
        scenario: 'S2',
        title: `idle subscribers: memory per socket, ${sockets.toLocaleString('en-US')} sockets with one messageAdded each`,
        engine: context.engine.kind,
        unit: 'KiB/socket',
        parley: parley!,
        baseline: bare!,
        notes: { sockets, users: users.length },
        goal: (ratio) =>
          onPostgres ? { text: `<= ${GOAL_RATIO.toFixed(1)} x bare ws`, met: ratio !== null && ratio <= GOAL_RATIO } : { text: 'report', met: null },
      }),
    ];
  },
};

interface IdleParams {
  target: SubscriberTarget;
  url: string;
  serverPid: number;
  /** One per socket, the warm ones first. */
  tokens: string[];
  /** The group of every user, where probes go. */
  chatId: string;
  senderToken: string;
  tag: string;
}

/**
 * In the load worker: opens the warm sockets, reads the server's RSS, opens the measured sockets,
 * proves every subscription live with probes, lets the server settle, reads its RSS again. The
 * figure is KiB per measured socket (no latencies: they are NaN).
 */
async function idleSockets(params: IdleParams): Promise<Measurement> {
  const { failures, samples, fail } = failureLog();
  const probePrefix = `${params.tag} probe `;
  const connection = new GraphQLConnection(params.url);
  const open = async (tokens: string[]) => {
    const unheard = new Set(tokens.keys());
    const subscribers = await openSubscribers(
      params.target,
      [params.url],
      tokens,
      (socket, message) => {
        if (message.body.startsWith(probePrefix)) unheard.delete(socket);
      },
      (error) => fail('SUBSCRIPTION_ERROR', error),
    );
    const silent = await probeUntilLive([unheard], [connection], (sender, _chat, attempt) =>
      sender
        .request(SEND, { input: { chatId: params.chatId, body: `${probePrefix}${attempt}`, clientId: `${params.tag}-${tokens.length}-${attempt}` } }, params.senderToken)
        .then(() => undefined, (error: Error) => fail((error as { code?: string }).code ?? 'SEND_ERROR', error.message)),
    );
    if (silent > 0) fail('NOT_LIVE', `${silent} of ${tokens.length} sockets never heard a probe`, silent);
    return subscribers;
  };
  const subscribers = await open(params.tokens.slice(0, WARM_SOCKETS));
  try {
    await sleep(SETTLE_MS);
    const before = residentKiB(params.serverPid);
    const measured = params.tokens.length - WARM_SOCKETS;
    subscribers.push(...(await open(params.tokens.slice(WARM_SOCKETS))));
    await sleep(SETTLE_MS);
    const after = residentKiB(params.serverPid);
    return {
      throughput: (after - before) / measured,
      p50: Number.NaN,
      p99: Number.NaN,
      max: Number.NaN,
      count: measured,
      completed: measured,
      failures,
      samples: Object.keys(failures).length > 0 ? [`RSS ${before} KiB before, ${after} KiB after`, ...samples].slice(0, 5) : [],
    };
  } finally {
    await Promise.all([...subscribers.map((subscriber) => subscriber.close()), connection.close()]);
  }
}

export const loads = { idleSockets };
