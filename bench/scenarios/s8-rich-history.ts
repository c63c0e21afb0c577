import { fileURLToPath } from 'node:url';
import { runClosedLoop } from '../lib/closed-loop';
import { createGroupChat, inBatches, logIn, signUpUsers } from '../lib/fixtures';
import { GraphQLConnection } from '../lib/http-load';
import { type Contender, makeRow, measureRounds } from '../lib/rounds';
import { CheckFailure, type Measurement, type Row, type Scenario, type ScenarioContext, type Timing } from '../lib/types';
import { HISTORY, PAGE } from './s5-history';
import { authorOf, bodyOf, growRich, MEMBERS, mentionedOf, reactionsOf, repliedOf } from './s8-rich-data';

const CLIENTS = 16;
/** Full size, and --quick's: a keyset page costs the same at any size (S5), what matters is what each page carries. */
const SIZE = { full: 100_000, quick: 10_000 };
/** Plain throughput over rich throughput, at most. */
const GOAL_SLOWDOWN = 1.3;
const MODULE = fileURLToPath(import.meta.url);

/** S5's page with what a chat screen shows of replies, mentions and reactions. */
const RICH_HISTORY = `query RichHistory($chatId: ID!, $afterSeq: Int!) {
  messagesSince(chatId: $chatId, afterSeq: $afterSeq, first: ${PAGE}) {
    nodes {
      id seq body createdAt author { id username }
      replyTo { id body author { id username } }
      mentions { id username }
      reactions { emoji count reactedByViewer users { id username } }
    }
    pageInfo { hasNextPage }
  }
}`;

/**
 * S8: a history page with replies, mentions and reactions. One group chat of 8 members grown to
 * 100,000 messages (10,000 with --quick) as S5 grows its chat, every third message a reply, every
 * fourth with two mentions, every second with 1-3 emoji from 1-4 members, all written straight into
 * the tables. 16 clients (two sessions of each member) ask for pages of 50 after random seqs,
 * selecting replies, mentions and reactions; against the same pages selecting only what S5
 * selects, alternating rounds on every engine (both sides are Parley). Each page is checked
 * message by message against the model the data was written from.
 */
export const s8: Scenario = {
  id: 'S8',
  title: `history page with replyTo, mentions and reactions (messagesSince first: ${PAGE}), ${CLIENTS} clients`,
  async run(context: ScenarioContext): Promise<Row[]> {
    const size = context.settings.quick ? SIZE.quick : SIZE.full;
    const url = await context.engine.parleyUrl();
    const users = await signUpUsers(url, MEMBERS, 's8');
    const chatId = await createGroupChat(url, users, 's8 group');
    const more = await inBatches(CLIENTS - MEMBERS, 4, (index) => logIn(url, users[index % MEMBERS]!));
    const readers: Reader[] = [...users.map((user) => user.token), ...more].map((token, client) => ({ token, member: client % MEMBERS }));
    const growSeconds = await growRich(context, chatId, users.map((user) => user.id), size);
    const contender = (name: string, rich: boolean): Contender => ({
      name,
      round: async (_round, timing) => {
        const params: HistoryParams = { url: await context.engine.parleyUrl(), chatId, readers, usernames: users.map((user) => user.username), size, rich };
        return context.workers.load({ module: MODULE, load: 'parleyHistory', params, ...timing });
      },
    });
    const contenders = [contender('Parley, with replies, mentions and reactions', true), contender("Parley, S5's selection", false)];
    // Both sides are Parley: nothing else opens the database, so the rounds alternate on PGlite too.
    const [rich, plain] = await measureRounds(context, 'S8', contenders, 'pages/s', { alternate: true });
    const onPostgres = context.engine.kind === 'postgresql';
    return [
      makeRow({
        scenario: 'S8',
        title: `${this.title}, ${size.toLocaleString('en-US')} messages`,
        engine: context.engine.kind,
        unit: 'pages/s',
        parley: rich!,
        baseline: plain!,
        notes: { messages: size, growSeconds },
        goal: (ratio) => {
          const slowdown = ratio === null ? Number.NaN : 1 / ratio;
          const text = `plain / rich <= ${GOAL_SLOWDOWN} (x${slowdown.toFixed(2)})`;
          return onPostgres ? { text, met: slowdown <= GOAL_SLOWDOWN } : { text: `report (plain / rich x${slowdown.toFixed(2)})`, met: null };
        },
      }),
    ];
  },
};

/** One client: a session of one member (by index), whose own reactions show as reactedByViewer. */
interface Reader {
  token: string;
  member: number;
}

interface HistoryParams {
  url: string;
  chatId: string;
  readers: Reader[];
  usernames: string[];
  size: number;
  rich: boolean;
}

type UserAnswer = { id: string; username: string } | null;
interface MessageAnswer {
  seq: number;
  body: string | null;
  author: UserAnswer;
  replyTo?: { body: string | null; author: UserAnswer } | null;
  mentions?: { username: string }[];
  reactions?: { emoji: string; count: number; reactedByViewer: boolean; users: { username: string }[] }[];
}
type PageAnswer = { messagesSince: { nodes: MessageAnswer[]; pageInfo: { hasNextPage: boolean } } };

/** In the load worker: each client asks for pages at random points over its own connection. */
async function parleyHistory(params: HistoryParams, timing: Timing): Promise<Measurement> {
  const connections = params.readers.map((reader) => new GraphQLConnection(params.url, reader.token));
  return runClosedLoop(
    {
      clients: connections.length,
      once: async (client) => {
        // A seq after which a full page and one more message exist.
        const afterSeq = Math.floor(Math.random() * (params.size - PAGE));
        const answer = await connections[client]!.request<PageAnswer>(params.rich ? RICH_HISTORY : HISTORY, { chatId: params.chatId, afterSeq });
        const { nodes, pageInfo } = answer.messagesSince;
        if (nodes.length !== PAGE || !pageInfo.hasNextPage) throw new CheckFailure('WRONG_ANSWER', `${nodes.length} messages after seq ${afterSeq} (hasNextPage ${pageInfo.hasNextPage})`);
        nodes.forEach((node, index) => {
          const expected = expectedMessage(afterSeq + 1 + index, params.usernames, params.readers[client]!.member, params.rich);
          if (JSON.stringify(shape(node)) !== JSON.stringify(expected)) {
            throw new CheckFailure('WRONG_ANSWER', `position ${index} after seq ${afterSeq}: ${JSON.stringify(shape(node))}, expected ${JSON.stringify(expected)}`);
          }
        });
      },
      close: async () => {
        await Promise.all(connections.map((connection) => connection.close()));
      },
    },
    timing,
  );
}

/** What a message of the answer says, in the model's terms (ids left out: the model names users by username). */
function shape(node: MessageAnswer) {
  return {
    seq: node.seq,
    body: node.body,
    author: node.author?.username ?? null,
    ...(node.replyTo !== undefined && { replyTo: node.replyTo && { body: node.replyTo.body, author: node.replyTo.author?.username ?? null } }),
    ...(node.mentions !== undefined && { mentions: node.mentions.map((user) => user.username) }),
    ...(node.reactions !== undefined && {
      reactions: node.reactions.map((group) => ({ emoji: group.emoji, count: group.count, reactedByViewer: group.reactedByViewer, users: group.users.map((user) => user.username) })),
    }),
  };
}

/** Message `seq` as the model wrote it, seen by member `viewer`. */
function expectedMessage(seq: number, usernames: string[], viewer: number, rich: boolean): ReturnType<typeof shape> {
  const plain = { seq, body: bodyOf(seq), author: usernames[authorOf(seq)]! };
  if (!rich) return plain;
  const replied = repliedOf(seq);
  return {
    ...plain,
    replyTo: replied === null ? null : { body: bodyOf(replied), author: usernames[authorOf(replied)]! },
    mentions: mentionedOf(seq).map((member) => usernames[member]!),
    reactions: reactionsOf(seq).map((group) => ({
      emoji: group.emoji,
      count: group.users.length,
      reactedByViewer: group.users.includes(viewer),
      users: group.users.map((member) => usernames[member]!),
    })),
  };
}

export const loads = { parleyHistory };
