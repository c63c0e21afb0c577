import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatMessagesDocument, MessagesDocument, type MessagesQuery, MessagesSinceDocument } from '../../generated/graphql';
import { createGroup, openPrivateChat } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { type GraphQLResponse, startTestServer, type TestServer } from '../../helpers/server';

interface LoggedQuery {
  query: string;
  params: unknown[];
}

let server: TestServer;
/** Every statement the server sends, with its parameters: to explain exactly what the service runs. */
const statements: LoggedQuery[] = [];
beforeAll(async () => {
  server = await startTestServer({ databaseOptions: { onQuery: (query, params) => statements.push({ query, params }) } });
});
afterAll(() => server.close());

const prisma = () => server.parley.database.prisma;
type Page = MessagesQuery['messages'];
interface PageArgs {
  first?: number;
  after?: string | null;
  last?: number;
  before?: string | null;
}

const seqsOf = (page: Page) => page.edges.map((edge) => edge.node.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

async function history(viewer: TestUser, chatId: string, args: PageArgs = {}): Promise<Page> {
  const result = await server.request(MessagesDocument, { chatId, ...args }, { token: viewer.accessToken });
  expect(result.errors).toBeUndefined();
  return result.data!.messages;
}

async function chatHistory(viewer: TestUser, chatId: string, args: PageArgs = {}): Promise<Page> {
  const result = await server.request(ChatMessagesDocument, { chatId, ...args }, { token: viewer.accessToken });
  expect(result.errors).toBeUndefined();
  return result.data!.chat!.messages;
}

function expectError(result: GraphQLResponse<object>, code: string, field?: string): void {
  expect(Object.values(result.data ?? {}).filter((value) => value !== null)).toEqual([]);
  expect(result.errors?.[0]?.extensions).toMatchObject({ code, ...(field ? { field } : {}) });
}

/** Writes `count` messages (seq 1..count) straight into a chat, as sending them would. */
async function fillChat(chatId: string, authorIds: string[], count: number): Promise<void> {
  await prisma().message.createMany({
    data: range(1, count).map((seq) => ({ chatId, seq, authorId: authorIds[seq % authorIds.length]!, body: `message ${seq}` })),
  });
  await prisma().chat.update({ where: { id: chatId }, data: { lastSeq: count } });
}

let alice: TestUser;
let bob: TestUser;
let chatId: string;
beforeAll(async () => {
  [alice, bob] = await Promise.all([signUpUser(server), signUpUser(server)]);
  chatId = await openPrivateChat(server, alice, bob);
  await fillChat(chatId, [alice.id, bob.id], 120);
});

describe('messages', () => {
  it('returns the newest 50, oldest first, without first or last', async () => {
    const page = await history(alice, chatId);
    expect(seqsOf(page)).toEqual(range(71, 120));
    expect(page.edges[0]!.node.body).toBe('message 71');
    expect(page.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    expect(page.pageInfo.startCursor).toBe(page.edges[0]!.cursor);
    expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
  });

  it('walks back with last/before to seq 1 without a gap or a repeat', async () => {
    let page = await history(alice, chatId);
    const seen = seqsOf(page);
    for (let pages = 1; page.pageInfo.hasPreviousPage; pages += 1) {
      expect(pages).toBeLessThan(10);
      page = await history(alice, chatId, { last: 25, before: page.pageInfo.startCursor });
      expect(page.pageInfo.hasNextPage).toBe(true);
      seen.unshift(...seqsOf(page));
    }
    expect(seqsOf(page)[0]).toBe(1);
    expect(seen).toEqual(range(1, 120));
  });

  it('walks forward with first/after from the start to seq 120 without a gap or a repeat', async () => {
    let page = await history(alice, chatId, { first: 30 });
    expect(page.pageInfo.hasPreviousPage).toBe(false);
    const seen = seqsOf(page);
    for (let pages = 1; page.pageInfo.hasNextPage; pages += 1) {
      expect(pages).toBeLessThan(10);
      page = await history(alice, chatId, { first: 30, after: page.pageInfo.endCursor });
      expect(page.pageInfo.hasPreviousPage).toBe(true);
      seen.push(...seqsOf(page));
    }
    expect(seqsOf(page).at(-1)).toBe(120);
    expect(seen).toEqual(range(1, 120));
  });

  it('gives the same pages through Chat.messages', async () => {
    const newest = await history(bob, chatId);
    const cursor = newest.pageInfo.startCursor;
    const pages: PageArgs[] = [{}, { first: 30 }, { first: 30, after: cursor }, { last: 20, before: cursor }];
    for (const args of pages) expect(await chatHistory(bob, chatId, args)).toEqual(await history(bob, chatId, args));
  });

  it('refuses first and last together', async () => {
    const result = await server.request(MessagesDocument, { chatId, first: 10, last: 10 }, { token: alice.accessToken });
    expectError(result, 'BAD_USER_INPUT');
    expect(['first', 'last']).toContain(result.errors?.[0]?.extensions.field);
  });

  it.each([
    ['first', 101],
    ['last', 101],
    ['first', -1],
    ['last', -1],
  ])('refuses %s: %i', async (field, value) => {
    const result = await server.request(MessagesDocument, { chatId, [field]: value }, { token: alice.accessToken });
    expectError(result, 'BAD_USER_INPUT', field);
  });

  it('accepts first: 100 and last: 100', async () => {
    expect(seqsOf(await history(alice, chatId, { first: 100 }))).toEqual(range(1, 100));
    expect(seqsOf(await history(alice, chatId, { last: 100 }))).toEqual(range(21, 120));
  });

  it.each([
    ['after', 'not a cursor'],
    ['before', 'not a cursor'],
    ['after', Buffer.from('["x"]').toString('base64url')],
    ['before', Buffer.from('[-5]').toString('base64url')],
  ])('refuses a malformed %s cursor (%s)', async (field, cursor) => {
    const result = await server.request(MessagesDocument, { chatId, [field]: cursor }, { token: alice.accessToken });
    expectError(result, 'BAD_USER_INPUT', field);
  });

  it('reports a chat the viewer is not in as NOT_FOUND', async () => {
    const stranger = await signUpUser(server);
    expectError(await server.request(MessagesDocument, { chatId }, { token: stranger.accessToken }), 'NOT_FOUND');
    expectError(await server.request(MessagesSinceDocument, { chatId, afterSeq: 0 }, { token: stranger.accessToken }), 'NOT_FOUND');
  });
});

describe('messagesSince', () => {
  const since = async (afterSeq: number, first?: number) => {
    const result = await server.request(MessagesSinceDocument, { chatId, afterSeq, first }, { token: alice.accessToken });
    expect(result.errors).toBeUndefined();
    return result.data!.messagesSince;
  };

  it('returns the messages after afterSeq, oldest first, 100 per page by default', async () => {
    const page = await since(0);
    expect(seqsOf(page)).toEqual(range(1, 100));
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const rest = await since(100);
    expect(seqsOf(rest)).toEqual(range(101, 120));
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect(seqsOf(await since(110, 5))).toEqual(range(111, 115));
  });

  it('returns nothing after the last seq', async () => {
    for (const afterSeq of [120, 121, 1_000_000]) {
      const page = await since(afterSeq);
      expect(page.edges).toEqual([]);
      expect(page.pageInfo.hasNextPage).toBe(false);
    }
  });

  it('refuses a negative afterSeq and a page over 100', async () => {
    const negative = await server.request(MessagesSinceDocument, { chatId, afterSeq: -1 }, { token: alice.accessToken });
    expectError(negative, 'BAD_USER_INPUT', 'afterSeq');
    const tooMany = await server.request(MessagesSinceDocument, { chatId, afterSeq: 0, first: 101 }, { token: alice.accessToken });
    expectError(tooMany, 'BAD_USER_INPUT', 'first');
  });
});

describe('history of a chat with 100,000 messages', () => {
  const BIG = 100_000;
  let owner: TestUser;
  let bigChat: string;

  beforeAll(async () => {
    owner = await signUpUser(server);
    bigChat = await createGroup(server, owner, [], 'Big');
    await prisma().$executeRawUnsafe(
      `INSERT INTO "Message" ("id", "chatId", "seq", "authorId", "body", "createdAt")
       SELECT $1 || '-' || g, $1, g, $2, 'message ' || g, now() - make_interval(secs => ${BIG} - g)
       FROM generate_series(1, ${BIG}) AS g`,
      bigChat,
      owner.id,
    );
    await prisma().chat.update({ where: { id: bigChat }, data: { lastSeq: BIG } });
    await prisma().$executeRawUnsafe('ANALYZE "Message"');
  }, 120_000);

  /** The message statements one API call makes, run again under EXPLAIN with the same parameters. */
  async function explainMessageQueries(call: () => Promise<unknown>): Promise<{ sql: string; params: unknown[]; plan: string[] }[]> {
    statements.length = 0;
    await call();
    const queries = statements.filter(({ query }) => /FROM "Message"/.test(query));
    expect(queries).toHaveLength(1);
    return Promise.all(
      queries.map(async ({ query, params }) => {
        const rows = await server.parley.database.sql.query<Record<string, string>>(`EXPLAIN ${query}`, params);
        return { sql: query, params, plan: rows.map((row) => Object.values(row)[0]!) };
      }),
    );
  }

  function expectIndexScan(label: string, explained: { sql: string; params: unknown[]; plan: string[] }[]): void {
    for (const { sql, plan } of explained) {
      console.log(`${label} [${server.parley.database.engine}]: ${plan.slice(0, 2).map((line) => line.trim()).join(' | ')}`);
      const text = plan.join('\n');
      expect(text).toMatch(/Index (Only )?Scan( Backward)? using "?Message_chatId_seq_key"?/);
      expect(text).not.toMatch(/Seq Scan on "?Message"?/);
      // A keyset page, never a skip.
      expect(sql).not.toMatch(/OFFSET/);
    }
  }

  it('reads the last page by the (chatId, seq) index: seq 99951..100000', async () => {
    let page: Page | undefined;
    const explained = await explainMessageQueries(async () => {
      page = await history(owner, bigChat);
    });
    expect(seqsOf(page!)).toEqual(range(BIG - 49, BIG));
    expect(explained.map(({ sql }) => sql).join('\n')).toMatch(/ORDER BY page\."seq" DESC LIMIT/);
    expectIndexScan('last page (seq DESC LIMIT 51)', explained);
  });

  it('reads the first page by the (chatId, seq) index: seq 1..50', async () => {
    let page: Page | undefined;
    const explained = await explainMessageQueries(async () => {
      page = await history(owner, bigChat, { first: 50 });
    });
    expect(seqsOf(page!)).toEqual(range(1, 50));
    expect(page!.pageInfo.hasNextPage).toBe(true);
    expectIndexScan('first page (seq ASC LIMIT 51)', explained);
  });

  it('reads a page after a cursor and a catch-up page by the (chatId, seq) index', async () => {
    const first = await history(owner, bigChat, { first: 50 });
    let next: Page | undefined;
    const afterCursor = await explainMessageQueries(async () => {
      next = await history(owner, bigChat, { first: 50, after: first.pageInfo.endCursor });
    });
    expect(seqsOf(next!)).toEqual(range(51, 100));
    expect(afterCursor.map(({ sql }) => sql).join('\n')).toMatch(/page\."seq" > GREATEST\(\$3, .*\s+ORDER BY page\."seq" ASC LIMIT/);
    expectIndexScan('after cursor (seq > 50 ASC LIMIT 51)', afterCursor);
    const catchUp = await explainMessageQueries(() =>
      server.request(MessagesSinceDocument, { chatId: bigChat, afterSeq: 50_000 }, { token: owner.accessToken }),
    );
    expectIndexScan('messagesSince (seq > 50000 ASC LIMIT 101)', catchUp);
  });
});
