import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, openPrivateChat, sendMessage } from '../helpers/chat-factories';
import { signUpUser, type TestUser } from '../helpers/factories';
import { postGraphQL, startTestServer, type TestServer } from '../helpers/server';
import { wsClient, wsExecute } from '../helpers/ws';

let server: TestServer;
let ada: TestUser;
let bob: TestUser;
let eve: TestUser;
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  [ada, bob, eve] = [await signUpUser(server), await signUpUser(server), await signUpUser(server)];
  ids.group = await createGroup(server, ada, [bob]);
  ids.private = await openPrivateChat(server, ada, bob);
  ids.groupMessage = (await sendMessage(server, bob, ids.group)).id;
  ids.privateMessage = (await sendMessage(server, ada, ids.private)).id;
  const request = await postGraphQL<{ sendFriendRequest: { id: string } }>(
    server.url,
    { query: 'mutation ($id: ID!) { sendFriendRequest(userId: $id) { id } }', variables: { id: ada.id } },
    { token: bob.accessToken },
  );
  const incoming = await server.parley.database.prisma.friendship.findUniqueOrThrow({
    where: { userId_otherUserId: { userId: ada.id, otherUserId: bob.id } },
  });
  expect(request.errors).toBeUndefined();
  ids.friendship = incoming.id;
  ids.adaRefresh = ada.refreshToken;
});
afterAll(() => server.close());

/** Every row of every table that an operation could change, in a stable order. */
async function snapshot(): Promise<string> {
  const prisma = server.parley.database.prisma;
  const tables = await Promise.all([
    // Presence (lastSeenAt) changes whenever a socket closes; it is not what an attempt could change.
    prisma.user.findMany({ orderBy: { id: 'asc' }, omit: { lastSeenAt: true, updatedAt: true } }),
    prisma.session.findMany({ orderBy: { id: 'asc' } }),
    prisma.refreshToken.findMany({ orderBy: { tokenHash: 'asc' } }),
    prisma.friendship.findMany({ orderBy: { id: 'asc' } }),
    prisma.chat.findMany({ orderBy: { id: 'asc' } }),
    prisma.chatMember.findMany({ orderBy: [{ chatId: 'asc' }, { userId: 'asc' }] }),
    prisma.message.findMany({ orderBy: { id: 'asc' } }),
    prisma.attachment.findMany({ orderBy: [{ messageId: 'asc' }, { position: 'asc' }] }),
  ]);
  return JSON.stringify(tables);
}

type Outcome = 'NOT_FOUND' | 'null' | 'false';

/** Each operation that takes an id, tried by Eve with Ada's and Bob's ids, and how it must refuse. */
const attempts: [name: string, query: string, variables: () => Record<string, unknown>, outcome: Outcome][] = [
  ['chat', 'query ($id: ID!) { chat(id: $id) { id } }', () => ({ id: ids.group }), 'null'],
  ['messages', 'query ($id: ID!) { messages(chatId: $id) { nodes { id } } }', () => ({ id: ids.private }), 'NOT_FOUND'],
  ['messagesSince', 'query ($id: ID!) { messagesSince(chatId: $id, afterSeq: 0) { nodes { id } } }', () => ({ id: ids.group }), 'NOT_FOUND'],
  ['renameChat', 'mutation ($id: ID!) { renameChat(chatId: $id, name: "mine") { id } }', () => ({ id: ids.group }), 'NOT_FOUND'],
  ['addChatMembers', 'mutation ($id: ID!, $u: ID!) { addChatMembers(chatId: $id, userIds: [$u]) { id } }', () => ({ id: ids.group, u: eve.id }), 'NOT_FOUND'],
  ['removeChatMember', 'mutation ($id: ID!, $u: ID!) { removeChatMember(chatId: $id, userId: $u) { id } }', () => ({ id: ids.group, u: bob.id }), 'NOT_FOUND'],
  ['setChatMemberRole', 'mutation ($id: ID!, $u: ID!) { setChatMemberRole(chatId: $id, userId: $u, role: ADMIN) { role } }', () => ({ id: ids.group, u: bob.id }), 'NOT_FOUND'],
  ['leaveChat', 'mutation ($id: ID!) { leaveChat(chatId: $id) }', () => ({ id: ids.group }), 'NOT_FOUND'],
  ['sendMessage (group)', 'mutation ($id: ID!) { sendMessage(input: { chatId: $id, body: "hi" }) { id } }', () => ({ id: ids.group }), 'NOT_FOUND'],
  ['sendMessage (private)', 'mutation ($id: ID!) { sendMessage(input: { chatId: $id, body: "hi" }) { id } }', () => ({ id: ids.private }), 'NOT_FOUND'],
  ['editMessage', 'mutation ($id: ID!) { editMessage(messageId: $id, body: "edited") { id } }', () => ({ id: ids.groupMessage }), 'NOT_FOUND'],
  ['deleteMessage', 'mutation ($id: ID!) { deleteMessage(messageId: $id) { id } }', () => ({ id: ids.privateMessage }), 'NOT_FOUND'],
  ['markChatRead', 'mutation ($id: ID!) { markChatRead(chatId: $id, upToSeq: 1) { lastReadSeq } }', () => ({ id: ids.group }), 'NOT_FOUND'],
  ['markChatDelivered', 'mutation ($id: ID!) { markChatDelivered(chatId: $id, upToSeq: 1) { lastReadSeq } }', () => ({ id: ids.private }), 'NOT_FOUND'],
  ['respondToFriendRequest (accept)', 'mutation ($id: ID!) { respondToFriendRequest(friendshipId: $id, accept: true) { id } }', () => ({ id: ids.friendship }), 'NOT_FOUND'],
  ['respondToFriendRequest (decline)', 'mutation ($id: ID!) { respondToFriendRequest(friendshipId: $id, accept: false) { id } }', () => ({ id: ids.friendship }), 'NOT_FOUND'],
  ['removeFriend', 'mutation ($id: ID!) { removeFriend(userId: $id) }', () => ({ id: bob.id }), 'false'],
  ['unblockUser', 'mutation ($id: ID!) { unblockUser(userId: $id) }', () => ({ id: ada.id }), 'false'],
  ['logOut', 'mutation ($token: String!) { logOut(refreshToken: $token) }', () => ({ token: ids.adaRefresh }), 'false'],
  ['setTyping', 'mutation ($id: ID!) { setTyping(chatId: $id, isTyping: true) }', () => ({ id: ids.group }), 'NOT_FOUND'],
];

/** The same for subscriptions, over the socket. */
const subscriptionAttempts: [name: string, query: string, variables: () => Record<string, unknown>][] = [
  ['messageAdded', 'subscription ($id: ID) { messageAdded(chatId: $id) { id } }', () => ({ id: ids.group })],
  ['messageAdded with afterSeq', 'subscription ($id: ID) { messageAdded(chatId: $id, afterSeq: 0) { id body } }', () => ({ id: ids.private })],
  ['messageUpdated', 'subscription ($id: ID) { messageUpdated(chatId: $id) { id } }', () => ({ id: ids.group })],
  ['readReceiptUpdated', 'subscription ($id: ID) { readReceiptUpdated(chatId: $id) { lastReadSeq } }', () => ({ id: ids.private })],
  ['typing', 'subscription ($id: ID!) { typing(chatId: $id) { isTyping } }', () => ({ id: ids.group })],
];

let refused = 0;
afterAll(() => {
  const total = attempts.length + subscriptionAttempts.length;
  console.log(`${refused} of ${total} cross-user attempts refused`);
});

describe('another user’s ids', () => {
  it.each(attempts)('are refused by %s, and nothing changes', async (_, query, variables, outcome) => {
    const before = await snapshot();
    const result = await postGraphQL<Record<string, unknown>>(server.url, { query, variables: variables() }, { token: eve.accessToken });
    if (outcome === 'NOT_FOUND') {
      expect(result.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
      expect(Object.values(result.data ?? {})[0] ?? null).toBeNull();
    } else {
      expect(result.errors).toBeUndefined();
      expect(Object.values(result.data ?? {})[0]).toBe(outcome === 'null' ? null : false);
    }
    expect(await snapshot()).toBe(before);
    refused += 1;
  });

  it.each(subscriptionAttempts)('are refused by the %s subscription', async (_, query, variables) => {
    const client = wsClient(server.url, { authorization: `Bearer ${eve.accessToken}` });
    const before = await snapshot();
    const result = await wsExecute(client, query, variables());
    await client.dispose();
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(result.data ?? null).toBeNull();
    expect(await snapshot()).toBe(before);
    refused += 1;
  });

  it('are refused exactly like ids that do not exist', async () => {
    for (const [, query, variables, outcome] of attempts.filter(([, , , outcome]) => outcome === 'NOT_FOUND')) {
      const foreign = await postGraphQL(server.url, { query, variables: variables() }, { token: eve.accessToken });
      const unknown = Object.fromEntries(Object.entries(variables()).map(([key, value]) => [key, key === 'u' ? value : `missing-${String(value).slice(0, 8)}`]));
      const missing = await postGraphQL(server.url, { query, variables: unknown }, { token: eve.accessToken });
      expect(foreign.errors?.[0]?.message).toBe(missing.errors?.[0]?.message);
      expect(outcome).toBe('NOT_FOUND');
    }
  });

  it(`leave the owners able to do all of it (the ids are right)`, async () => {
    const own = await postGraphQL(server.url, { query: attempts[1]![1], variables: attempts[1]![2]() }, { token: ada.accessToken });
    expect(own.errors).toBeUndefined();
  });
});
