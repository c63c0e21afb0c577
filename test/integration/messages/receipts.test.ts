import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatDocument, MarkChatDeliveredDocument, MarkChatReadDocument, MessageStatusesDocument } from '../../generated/graphql';
import { createGroup, openPrivateChat, sendMessage } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { type GraphQLResponse, startTestServer, type TestServer } from '../../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';

const markRead = (viewer: TestUser, chatId: string, upToSeq?: number | null) =>
  server.request(MarkChatReadDocument, { chatId, upToSeq }, { token: viewer.accessToken });
const markDelivered = (viewer: TestUser, chatId: string, upToSeq: number) =>
  server.request(MarkChatDeliveredDocument, { chatId, upToSeq }, { token: viewer.accessToken });

async function pointers(viewer: TestUser, chatId: string, upToSeq?: number | null) {
  const result = await markRead(viewer, chatId, upToSeq);
  expect(result.errors).toBeUndefined();
  const { lastReadSeq, lastDeliveredSeq } = result.data!.markChatRead;
  return { read: lastReadSeq, delivered: lastDeliveredSeq };
}

async function delivered(viewer: TestUser, chatId: string, upToSeq: number) {
  const result = await markDelivered(viewer, chatId, upToSeq);
  expect(result.errors).toBeUndefined();
  const { lastReadSeq, lastDeliveredSeq } = result.data!.markChatDelivered;
  return { read: lastReadSeq, delivered: lastDeliveredSeq };
}

async function chatAsSeenBy(viewer: TestUser, chatId: string) {
  const result = await server.request(ChatDocument, { id: chatId }, { token: viewer.accessToken });
  expect(result.errors).toBeUndefined();
  return result.data!.chat!;
}

const storedPointers = async (viewer: TestUser, chatId: string) => {
  const { lastReadSeq, lastDeliveredSeq } = (await chatAsSeenBy(viewer, chatId)).viewerMembership;
  return { read: lastReadSeq, delivered: lastDeliveredSeq };
};

function expectError(result: GraphQLResponse<object>, code: string, field?: string): void {
  expect(Object.values(result.data ?? {}).filter((value) => value !== null)).toEqual([]);
  expect(result.errors?.[0]?.extensions).toMatchObject({ code, ...(field ? { field } : {}) });
}

/** Alice has sent Bob `count` messages in their private chat. */
async function aliceWroteToBob(count: number): Promise<{ alice: TestUser; bob: TestUser; chatId: string }> {
  const [alice, bob] = await Promise.all([signUpUser(server), signUpUser(server)]);
  const chatId = await openPrivateChat(server, alice, bob);
  for (let index = 0; index < count; index += 1) await sendMessage(server, alice, chatId, { body: `message ${index + 1}` });
  return { alice, bob, chatId };
}

describe('markChatRead', () => {
  it('moves the read and delivered pointers forward to upToSeq', async () => {
    const { bob, chatId } = await aliceWroteToBob(5);
    const result = await markRead(bob, chatId, 3);
    expect(result.errors).toBeUndefined();
    expect(result.data!.markChatRead).toMatchObject({ lastReadSeq: 3, lastDeliveredSeq: 3, chat: { id: chatId }, user: { id: bob.id } });
    expect(await storedPointers(bob, chatId)).toEqual({ read: 3, delivered: 3 });
  });

  it('leaves the pointers where they are for a lower upToSeq and returns the current values', async () => {
    const { bob, chatId } = await aliceWroteToBob(5);
    await pointers(bob, chatId, 4);
    expect(await pointers(bob, chatId, 2)).toEqual({ read: 4, delivered: 4 });
    expect(await pointers(bob, chatId, 0)).toEqual({ read: 4, delivered: 4 });
    expect(await storedPointers(bob, chatId)).toEqual({ read: 4, delivered: 4 });
  });

  it("goes to the chat's lastSeq without upToSeq", async () => {
    const { bob, chatId } = await aliceWroteToBob(5);
    expect(await pointers(bob, chatId)).toEqual({ read: 5, delivered: 5 });
    expect(await pointers(bob, chatId, null)).toEqual({ read: 5, delivered: 5 });
  });

  it("clamps an upToSeq above the chat's lastSeq to lastSeq", async () => {
    const { bob, chatId } = await aliceWroteToBob(5);
    expect(await pointers(bob, chatId, 1000)).toEqual({ read: 5, delivered: 5 });
    expect(await storedPointers(bob, chatId)).toEqual({ read: 5, delivered: 5 });
  });

  it('refuses a negative upToSeq', async () => {
    const { bob, chatId } = await aliceWroteToBob(2);
    expectError(await markRead(bob, chatId, -1), 'BAD_USER_INPUT', 'upToSeq');
    expect(await storedPointers(bob, chatId)).toEqual({ read: 0, delivered: 0 });
  });

  it('reports a chat the viewer is not in, or an unknown chat, as NOT_FOUND', async () => {
    const { chatId } = await aliceWroteToBob(2);
    const stranger = await signUpUser(server);
    expectError(await markRead(stranger, chatId, 1), 'NOT_FOUND');
    expectError(await markRead(stranger, UNKNOWN_ID), 'NOT_FOUND');
  });
});

describe('markChatDelivered', () => {
  it('moves only the delivered pointer, forward only, clamped to lastSeq', async () => {
    const { bob, chatId } = await aliceWroteToBob(5);
    expect(await delivered(bob, chatId, 2)).toEqual({ read: 0, delivered: 2 });
    expect(await delivered(bob, chatId, 1)).toEqual({ read: 0, delivered: 2 });
    expect(await delivered(bob, chatId, 1000)).toEqual({ read: 0, delivered: 5 });
    expect(await storedPointers(bob, chatId)).toEqual({ read: 0, delivered: 5 });
  });

  it('does not move the delivered pointer back below the read pointer', async () => {
    const { bob, chatId } = await aliceWroteToBob(5);
    await pointers(bob, chatId, 4);
    expect(await delivered(bob, chatId, 2)).toEqual({ read: 4, delivered: 4 });
  });

  it('refuses a negative upToSeq, and a chat the viewer is not in', async () => {
    const { bob, chatId } = await aliceWroteToBob(2);
    const stranger = await signUpUser(server);
    expectError(await markDelivered(bob, chatId, -1), 'BAD_USER_INPUT', 'upToSeq');
    expectError(await markDelivered(stranger, chatId, 1), 'NOT_FOUND');
    expectError(await markDelivered(stranger, UNKNOWN_ID, 1), 'NOT_FOUND');
    expect(await storedPointers(bob, chatId)).toEqual({ read: 0, delivered: 0 });
  });
});

describe('Chat.unreadCount', () => {
  it("counts others' messages after the viewer's read pointer; sending reads everything before", async () => {
    const { alice, bob, chatId } = await aliceWroteToBob(5);
    expect((await chatAsSeenBy(bob, chatId)).unreadCount).toBe(5);
    expect((await chatAsSeenBy(alice, chatId)).unreadCount).toBe(0);
    await pointers(bob, chatId, 3);
    expect((await chatAsSeenBy(bob, chatId)).unreadCount).toBe(2);
    await sendMessage(server, bob, chatId, { body: 'caught up' });
    expect((await chatAsSeenBy(bob, chatId)).unreadCount).toBe(0);
    expect((await chatAsSeenBy(alice, chatId)).unreadCount).toBe(1);
  });
});

describe('Message.status', () => {
  const statuses = async (viewer: TestUser, chatId: string) => {
    const result = await server.request(MessageStatusesDocument, { chatId }, { token: viewer.accessToken });
    expect(result.errors).toBeUndefined();
    return result.data!.messages.nodes.map((node) => node.status);
  };

  it("is SENT, then DELIVERED once every other member received it, then READ once every other member read it", async () => {
    const [alice, bob, carol] = await Promise.all([signUpUser(server), signUpUser(server), signUpUser(server)]);
    const chatId = await createGroup(server, alice, [bob, carol]);
    await sendMessage(server, alice, chatId, { body: 'one' });
    await sendMessage(server, alice, chatId, { body: 'two' });
    expect(await statuses(alice, chatId)).toEqual(['SENT', 'SENT']);

    await delivered(bob, chatId, 2);
    expect(await statuses(alice, chatId)).toEqual(['SENT', 'SENT']);
    await delivered(carol, chatId, 1);
    expect(await statuses(alice, chatId)).toEqual(['DELIVERED', 'SENT']);
    await delivered(carol, chatId, 2);
    expect(await statuses(alice, chatId)).toEqual(['DELIVERED', 'DELIVERED']);

    await pointers(bob, chatId, 2);
    expect(await statuses(alice, chatId)).toEqual(['DELIVERED', 'DELIVERED']);
    await pointers(carol, chatId, 1);
    expect(await statuses(alice, chatId)).toEqual(['READ', 'DELIVERED']);
    await pointers(carol, chatId, 2);
    expect(await statuses(alice, chatId)).toEqual(['READ', 'READ']);
  });

  it("is null on other people's messages", async () => {
    const [alice, bob, carol] = await Promise.all([signUpUser(server), signUpUser(server), signUpUser(server)]);
    const chatId = await createGroup(server, alice, [bob, carol]);
    await sendMessage(server, alice, chatId);
    await sendMessage(server, bob, chatId);
    expect(await statuses(bob, chatId)).toEqual([null, 'SENT']);
    expect(await statuses(carol, chatId)).toEqual([null, null]);
    expect(await statuses(alice, chatId)).toEqual(['SENT', null]);
  });
});
