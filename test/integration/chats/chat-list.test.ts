import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatDocument, ChatListDocument, ChatsDocument } from '../../generated/graphql';
import { createGroup, openPrivateChat, sendMessage } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';

const statements: string[] = [];
let counting = false;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ databaseOptions: { onQuery: (sql) => counting && statements.push(sql) } });
});
afterAll(() => server.close());

async function pageIds(viewer: TestUser, first: number, after?: string | null) {
  const result = await server.request(ChatsDocument, { first, after }, { token: viewer.accessToken });
  const connection = result.data!.chats;
  return { ids: connection.edges.map((edge) => edge.node.id), pageInfo: connection.pageInfo };
}

/** The viewer with `count` group chats, the first-created one the least recently active. */
async function viewerWithChats(count: number, membersPerChat = 2): Promise<{ viewer: TestUser; chatIds: string[] }> {
  const viewer = await signUpUser(server);
  const others = await Promise.all(Array.from({ length: membersPerChat }, () => signUpUser(server)));
  const chatIds: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const chatId = await createGroup(server, viewer, others, `chat ${index}`);
    await sendMessage(server, others[index % others.length]!, chatId, { body: `message ${index}` });
    chatIds.push(chatId);
  }
  return { viewer, chatIds };
}

describe('chats', () => {
  it('lists the viewer’s chats, most recent activity first, with unread counts', async () => {
    const { viewer, chatIds } = await viewerWithChats(4);
    await sendMessage(server, viewer, chatIds[1]!, { body: 'bump' });
    const result = await server.request(ChatsDocument, {}, { token: viewer.accessToken });
    const nodes = result.data!.chats.edges.map((edge) => edge.node);
    expect(nodes.map((node) => node.id)).toEqual([chatIds[1], chatIds[3], chatIds[2], chatIds[0]]);
    expect(nodes.map((node) => node.unreadCount)).toEqual([0, 1, 1, 1]);
    const times = nodes.map((node) => Date.parse(node.lastActivityAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('pages without skipping or repeating a chat while new messages reorder the list', async () => {
    const { viewer, chatIds } = await viewerWithChats(10);
    const seen: string[] = [];
    let page = await pageIds(viewer, 3);
    seen.push(...page.ids);
    // Activity in chats not yet listed (and in one already listed) moves them to the top meanwhile.
    await sendMessage(server, viewer, chatIds[2]!);
    await sendMessage(server, viewer, chatIds[5]!);
    await sendMessage(server, viewer, chatIds[9]!);
    await createGroup(server, viewer, [], 'created after the first page');
    while (page.pageInfo.hasNextPage) {
      page = await pageIds(viewer, 3, page.pageInfo.endCursor);
      seen.push(...page.ids);
      expect(page.pageInfo.hasPreviousPage).toBe(true);
    }
    expect(seen).toHaveLength(10);
    expect(new Set(seen)).toEqual(new Set(chatIds));
    const fresh = await pageIds(viewer, 4);
    expect(fresh.ids.slice(1)).toEqual([chatIds[9], chatIds[5], chatIds[2]]);
  });

  it('pages to the end with hasNextPage false and refuses out-of-range page sizes and bad cursors', async () => {
    const { viewer } = await viewerWithChats(3);
    const all = await pageIds(viewer, 3);
    expect(all.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    for (const [args, field] of [[{ first: 101 }, 'first'], [{ first: -1 }, 'first'], [{ first: 2, after: 'bogus' }, 'after']] as const) {
      const result = await server.request(ChatsDocument, args, { token: viewer.accessToken });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('returns null from chat(id) for a chat the viewer is not in, like for an unknown id', async () => {
    const [ada, bob, eve] = [await signUpUser(server), await signUpUser(server), await signUpUser(server)];
    const chatId = await openPrivateChat(server, ada, bob);
    expect((await server.request(ChatDocument, { id: chatId }, { token: eve.accessToken })).data).toEqual({ chat: null });
    expect((await server.request(ChatDocument, { id: 'no-such-chat' }, { token: eve.accessToken })).data).toEqual({ chat: null });
    expect((await server.request(ChatDocument, { id: chatId }, { token: ada.accessToken })).data?.chat?.id).toBe(chatId);
  });

  it('loads a page of 100 chats with their members, last messages and unread counts in as many statements as a page of 5', async () => {
    const small = await viewerWithChats(5, 3);
    const large = await viewerWithChats(100, 3);
    const countFor = async (viewer: TestUser) => {
      await server.request(ChatListDocument, { first: 100 }, { token: viewer.accessToken });
      statements.length = 0;
      counting = true;
      const result = await server.request(ChatListDocument, { first: 100 }, { token: viewer.accessToken });
      counting = false;
      expect(result.errors).toBeUndefined();
      return { count: statements.length, chats: result.data!.chats.nodes };
    };
    const five = await countFor(small.viewer);
    const hundred = await countFor(large.viewer);
    expect(five.chats).toHaveLength(5);
    expect(hundred.chats).toHaveLength(100);
    expect(hundred.chats.every((chat) => chat.members.length === 4 && chat.lastMessage?.author.id)).toBe(true);
    console.log(`chats(first: 100) statements: ${five.count} for 5 chats, ${hundred.count} for 100 chats`);
    // One statement reads the page with its members, their users, last messages and authors; the
    // session is read once more unless the server remembers it.
    expect(five.count).toBeLessThanOrEqual(2);
    expect(hundred.count).toBeLessThanOrEqual(2);
  }, 120_000);
});
