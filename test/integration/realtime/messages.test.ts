import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  AddChatMembersDocument,
  DeleteMessageDocument,
  EditMessageDocument,
  LeaveChatDocument,
  MarkChatDeliveredDocument,
  MarkChatReadDocument,
  MessageStatusesDocument,
  RemoveChatMemberDocument,
} from '../../generated/graphql';
import { createGroup, openPrivateChat, sendMessage } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';
import { delay, pollUntil, type SignedInClient, signedInClient, subscribe, type Subscription, within } from '../../helpers/subscriptions';

interface MessageEvent {
  id: string;
  seq: number;
  body: string | null;
  editedAt: string | null;
  deletedAt: string | null;
  chat: { id: string };
  author: { id: string };
}

interface ReceiptEvent {
  lastReadSeq: number;
  lastDeliveredSeq: number;
  chat: { id: string };
  user: { id: string };
}

const MESSAGE_FIELDS = 'id seq body editedAt deletedAt chat { id } author { id }';
const MESSAGE_ADDED = `subscription ($chatId: ID, $afterSeq: Int) { messageAdded(chatId: $chatId, afterSeq: $afterSeq) { ${MESSAGE_FIELDS} } }`;
const MESSAGE_UPDATED = `subscription ($chatId: ID) { messageUpdated(chatId: $chatId) { ${MESSAGE_FIELDS} } }`;
const RECEIPT_UPDATED = 'subscription ($chatId: ID) { readReceiptUpdated(chatId: $chatId) { lastReadSeq lastDeliveredSeq chat { id } user { id } } }';

/** How long a subscription must stay silent, after a sentinel event has arrived elsewhere, to count as receiving nothing. */
const QUIET_MS = 300;

let server: TestServer;
const sockets: SignedInClient[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await Promise.all(sockets.map((client) => client.dispose()));
  await server.close();
});

const users = (count: number) => Promise.all(Array.from({ length: count }, () => signUpUser(server)));
const prisma = () => server.parley.database.prisma;

async function socketOf(user: TestUser): Promise<SignedInClient> {
  const client = signedInClient(server, user.accessToken);
  sockets.push(client);
  expect(await within(client.connected, 5_000, 'connection_ack')).toBe(true);
  return client;
}

const seqsOf = (events: MessageEvent[]) => events.map((event) => event.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);
const inChat = (chatId: string) => (event: { chat: { id: string } }) => event.chat.id === chatId;

let probes = 0;
/** A message whose arrival proves that a subscription is live. */
const probe = (author: TestUser, chatId: string) => sendMessage(server, author, chatId, { body: `probe ${(probes += 1)}` });

async function editMessage(author: TestUser, messageId: string, body: string) {
  const result = await server.request(EditMessageDocument, { messageId, body }, { token: author.accessToken });
  expect(result.errors).toBeUndefined();
  return result.data!.editMessage;
}

async function lastSeqOf(chatId: string): Promise<number> {
  return (await prisma().chat.findUniqueOrThrow({ where: { id: chatId }, select: { lastSeq: true } })).lastSeq;
}

/** messageAdded of one chat, live from now: replays its last message (sending one if there is none) to know it is listening. */
async function liveMessagesOf(client: SignedInClient, author: TestUser, chatId: string): Promise<Subscription<MessageEvent>> {
  let lastSeq = await lastSeqOf(chatId);
  if (lastSeq === 0) lastSeq = (await probe(author, chatId)).seq;
  const subscription = subscribe<MessageEvent>(client, MESSAGE_ADDED, { chatId, afterSeq: lastSeq - 1 });
  await subscription.waitForEvent((event) => event.seq === lastSeq);
  return subscription;
}

/** Sends `count` messages, `concurrency` at a time. */
async function sendMany(author: TestUser, chatId: string, count: number, { concurrency = 1, prefix = 'stored' } = {}): Promise<void> {
  for (let start = 0; start < count; start += concurrency) {
    const batch = range(start + 1, Math.min(count, start + concurrency));
    await Promise.all(batch.map((index) => sendMessage(server, author, chatId, { body: `${prefix} ${index}` })));
  }
}

describe('messageAdded, live', () => {
  it("brings each message's author and chat as the send left them, the author's email only to the author", async () => {
    const [author, reader] = (await users(2)) as [TestUser, TestUser];
    const chatId = await openPrivateChat(server, author, reader);
    const query = 'subscription ($chatId: ID) { messageAdded(chatId: $chatId) { seq author { id username email } chat { id kind lastSeq } } }';
    type Live = { seq: number; author: { id: string; username: string; email: string | null }; chat: { id: string; kind: string; lastSeq: number } };
    const [ownSocket, readerSocket] = await Promise.all([socketOf(author), socketOf(reader)]);
    const own = subscribe<Live>(ownSocket, query, { chatId });
    const theirs = subscribe<Live>(readerSocket, query, { chatId });
    await own.ready(() => probe(author, chatId), () => true);
    await theirs.ready(() => probe(author, chatId), () => true);
    const sent = await sendMessage(server, author, chatId, { body: 'who sent this?' });
    const [mine, seen] = await Promise.all([own.waitForEvent((event) => event.seq === sent.seq), theirs.waitForEvent((event) => event.seq === sent.seq)]);
    const stored = await prisma().user.findUniqueOrThrow({ where: { id: author.id } });
    expect(mine).toEqual({ seq: sent.seq, author: { id: author.id, username: stored.username, email: stored.email }, chat: { id: chatId, kind: 'PRIVATE', lastSeq: sent.seq } });
    expect(seen).toEqual({ ...mine, author: { ...mine.author, email: null } });
  });

  it('answers every receiver as themselves when one selection is resolved once for many: email only to the author, status per viewer', async () => {
    const [author, ...readers] = (await users(4)) as [TestUser, ...TestUser[]];
    const chatId = await createGroup(server, author, readers);
    const shared = 'subscription ($chatId: ID) { messageAdded(chatId: $chatId) { seq body author { id email } chat { id name } } }';
    const everyChat = 'subscription { messageAdded { seq body author { id email } chat { id name } } }';
    const withStatus = 'subscription ($chatId: ID) { messageAdded(chatId: $chatId) { seq body status author { id email } chat { id name } } }';
    type Live = { seq: number; body: string; status?: string | null; author: { id: string; email: string | null }; chat: { id: string; name: string } };
    const plans: [TestUser, string][] = [
      [author, shared],
      [author, withStatus],
      ...readers.map((reader): [TestUser, string] => [reader, shared]),
      [readers[0]!, everyChat],
      [readers[1]!, withStatus],
    ];
    const subscriptions = await Promise.all(plans.map(async ([user, query]) => subscribe<Live>(await socketOf(user), query, { chatId })));
    for (const subscription of subscriptions) await subscription.ready(() => probe(author, chatId), (event) => event.body.startsWith('probe'));
    const sent = await sendMessage(server, author, chatId, { body: 'one for all' });
    const received = await Promise.all(subscriptions.map((subscription) => subscription.waitForEvent((event) => event.seq === sent.seq)));
    const { email } = await prisma().user.findUniqueOrThrow({ where: { id: author.id } });
    const expected = (user: TestUser, query: string): Live => ({
      seq: sent.seq,
      body: 'one for all',
      ...(query === withStatus && { status: user.id === author.id ? 'SENT' : null }),
      author: { id: author.id, email: user.id === author.id ? email : null },
      chat: { id: chatId, name: 'Test group' },
    });
    expect(received).toEqual(plans.map(([user, query]) => expected(user, query)));
  });
});

describe('messageAdded with chatId and afterSeq', () => {
  it('replays every stored message after afterSeq, then goes live with no gap and no duplicate while another client sends during the replay', async () => {
    const [author, reader] = (await users(2)) as [TestUser, TestUser];
    const chatId = await openPrivateChat(server, author, reader);
    await sendMany(author, chatId, 150);
    const client = await socketOf(reader);

    const sending = (async () => {
      for (let index = 1; index <= 30; index += 1) {
        await sendMessage(server, author, chatId, { body: `live ${index}` });
      }
    })();
    const subscription = subscribe<MessageEvent>(client, MESSAGE_ADDED, { chatId, afterSeq: 0 });
    await sending;
    await subscription.waitFor(180, 20_000);
    expect(seqsOf(subscription.events)).toEqual(range(1, 180));
    expect(subscription.events.map((event) => event.body).slice(-30)).toEqual(range(1, 30).map((index) => `live ${index}`));

    // Nothing more is owed: the next event is the next message, not a repeat.
    await sendMessage(server, author, chatId, { body: 'after' });
    await subscription.waitFor(181);
    expect(seqsOf(subscription.events)).toEqual(range(1, 181));
    expect(subscription.errors).toEqual([]);
  }, 60_000);

  it('replays only the messages after afterSeq', async () => {
    const [author, reader] = (await users(2)) as [TestUser, TestUser];
    const chatId = await openPrivateChat(server, author, reader);
    await sendMany(author, chatId, 5);
    const subscription = subscribe<MessageEvent>(await socketOf(reader), MESSAGE_ADDED, { chatId, afterSeq: 3 });
    await subscription.waitFor(2);
    await sendMessage(server, author, chatId, { body: 'live' });
    await subscription.waitFor(3);
    expect(seqsOf(subscription.events)).toEqual([4, 5, 6]);
    expect(subscription.events[2]).toMatchObject({ body: 'live', chat: { id: chatId }, author: { id: author.id } });
  });

  it("delivers a chat's messages in seq order while several members send at once", async () => {
    const [reader, ...senders] = (await users(4)) as [TestUser, TestUser, TestUser, TestUser];
    const chatId = await createGroup(server, senders[0]!, [reader, ...senders.slice(1)]);
    const client = await socketOf(reader);
    const oneChat = await liveMessagesOf(client, senders[0]!, chatId);
    const everyChat = subscribe<MessageEvent>(client, MESSAGE_ADDED);
    await everyChat.ready(() => probe(senders[1]!, chatId), inChat(chatId));
    const before = await lastSeqOf(chatId);

    await Promise.all(senders.map((sender, index) => sendMany(sender, chatId, 20, { concurrency: 20, prefix: `from ${index}` })));
    const total = before + 60;

    await oneChat.waitFor(total, 15_000);
    expect(seqsOf(oneChat.events)).toEqual(range(1, total));
    await everyChat.waitForEvent((event) => event.seq === total, 15_000);
    const seen = seqsOf(everyChat.events);
    expect(seen).toEqual(range(seen[0]!, total));
  });

  it('refuses afterSeq without chatId (BAD_USER_INPUT)', async () => {
    const [viewer] = (await users(1)) as [TestUser];
    const subscription = subscribe<MessageEvent>(await socketOf(viewer), MESSAGE_ADDED, { afterSeq: 0 });
    const [error] = await subscription.waitForErrors();
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'afterSeq' });
    expect(subscription.events).toEqual([]);
  });

  it.each([
    ['a chat the viewer is not in', true],
    ['a chat that does not exist', false],
  ])('reports %s as NOT_FOUND', async (_, exists) => {
    const [viewer, a, b] = (await users(3)) as [TestUser, TestUser, TestUser];
    const chatId = exists ? await openPrivateChat(server, a, b) : '01900000-0000-7000-8000-000000000000';
    if (exists) await sendMessage(server, a, chatId);
    const client = await socketOf(viewer);
    for (const afterSeq of [null, 0]) {
      const subscription = subscribe<MessageEvent>(client, MESSAGE_ADDED, { chatId, afterSeq });
      const [error] = await subscription.waitForErrors();
      expect(error?.extensions?.code).toBe('NOT_FOUND');
      expect(subscription.events).toEqual([]);
    }
  });
});

/** A group (owner, member, other), and a private chat between owner and member for sentinel events. */
async function groupWithSentinel() {
  const [owner, member, other] = (await users(3)) as [TestUser, TestUser, TestUser];
  const groupId = await createGroup(server, owner, [member, other]);
  const privateId = await openPrivateChat(server, owner, member);
  return { owner, member, other, groupId, privateId };
}

const endMembership = {
  removed: (owner: TestUser, member: TestUser, chatId: string) =>
    server.request(RemoveChatMemberDocument, { chatId, userId: member.id }, { token: owner.accessToken }),
  left: (_owner: TestUser, member: TestUser, chatId: string) => server.request(LeaveChatDocument, { chatId }, { token: member.accessToken }),
};

describe('membership changes on open subscriptions', () => {
  it.each([['removed' as const], ['left' as const]])(
    "stops messageAdded of every chat from carrying a chat the member %s, at once",
    async (how) => {
      const { owner, member, groupId, privateId } = await groupWithSentinel();
      const subscription = subscribe<MessageEvent>(await socketOf(member), MESSAGE_ADDED);
      await subscription.ready(() => probe(owner, privateId), inChat(privateId));
      const before = await sendMessage(server, owner, groupId, { body: 'while a member' });
      await subscription.waitForEvent((event) => event.id === before.id);

      expect((await endMembership[how](owner, member, groupId)).errors).toBeUndefined();
      await sendMessage(server, owner, groupId, { body: 'after' });
      const sentinel = await sendMessage(server, owner, privateId, { body: 'sentinel' });
      await subscription.waitForEvent((event) => event.id === sentinel.id);

      expect(subscription.events.filter(inChat(groupId)).map((event) => event.body)).toEqual(['while a member']);
    },
  );

  it("keeps a user's other sockets live when one closes, and stops all of them at once when the user is removed", async () => {
    const { owner, member, groupId, privateId } = await groupWithSentinel();
    const [first, second, third] = await Promise.all([socketOf(member), socketOf(member), socketOf(member)]);
    const feeds = [first, second, third].map((client) => subscribe<MessageEvent>(client, MESSAGE_ADDED));
    for (const feed of feeds) await feed.ready(() => probe(owner, privateId), inChat(privateId));

    await first.dispose();
    const kept = await sendMessage(server, owner, groupId, { body: 'after one socket closed' });
    await Promise.all(feeds.slice(1).map((feed) => feed.waitForEvent((event) => event.id === kept.id)));
    // A new socket of the user sees what the others see, the chats joined since the first one included.
    const joinedLater = await createGroup(server, owner, [member]);
    const fourth = subscribe<MessageEvent>(await socketOf(member), MESSAGE_ADDED);
    await fourth.ready(() => probe(owner, privateId), inChat(privateId));
    const inNewChat = await sendMessage(server, owner, joinedLater, { body: 'in the newer chat' });
    await Promise.all([...feeds.slice(1), fourth].map((feed) => feed.waitForEvent((event) => event.id === inNewChat.id)));

    expect((await endMembership.removed(owner, member, groupId)).errors).toBeUndefined();
    await sendMessage(server, owner, groupId, { body: 'after removal' });
    const sentinel = await sendMessage(server, owner, privateId, { body: 'sentinel' });
    await Promise.all([...feeds.slice(1), fourth].map((feed) => feed.waitForEvent((event) => event.id === sentinel.id)));
    for (const feed of [...feeds.slice(1), fourth]) expect(feed.events.filter((event) => event.body === 'after removal')).toEqual([]);
  });

  it.each([['removed' as const], ['left' as const]])(
    'stops messageAdded(chatId) opened earlier from carrying the chat once the member %s',
    async (how) => {
      const { owner, member, other, groupId, privateId } = await groupWithSentinel();
      const client = await socketOf(member);
      const oneChat = await liveMessagesOf(client, owner, groupId);
      const everyChat = subscribe<MessageEvent>(client, MESSAGE_ADDED);
      await everyChat.ready(() => probe(owner, privateId), inChat(privateId));
      const control = await liveMessagesOf(await socketOf(other), owner, groupId);

      expect((await endMembership[how](owner, member, groupId)).errors).toBeUndefined();
      const after = await sendMessage(server, owner, groupId, { body: 'after' });
      await control.waitForEvent((event) => event.id === after.id);
      const sentinel = await sendMessage(server, owner, privateId, { body: 'sentinel' });
      await everyChat.waitForEvent((event) => event.id === sentinel.id);
      await delay(QUIET_MS);

      expect(oneChat.events.filter((event) => event.id === after.id)).toEqual([]);
      expect(everyChat.events.filter((event) => event.id === after.id)).toEqual([]);
    },
  );

  it('stops messageUpdated, with and without chatId, from carrying a chat the member was removed from', async () => {
    const { owner, member, other, groupId, privateId } = await groupWithSentinel();
    const [inGroup, inPrivate] = [await sendMessage(server, owner, groupId), await sendMessage(server, owner, privateId)];
    const client = await socketOf(member);
    const everyChat = subscribe<MessageEvent>(client, MESSAGE_UPDATED);
    const oneChat = subscribe<MessageEvent>(client, MESSAGE_UPDATED, { chatId: groupId });
    let edits = 0;
    await everyChat.ready(() => editMessage(owner, inPrivate.id, `edit ${(edits += 1)}`), inChat(privateId));
    await oneChat.ready(() => editMessage(owner, inGroup.id, `edit ${(edits += 1)}`), inChat(groupId));
    const control = subscribe<MessageEvent>(await socketOf(other), MESSAGE_UPDATED, { chatId: groupId });
    await control.ready(() => editMessage(owner, inGroup.id, `edit ${(edits += 1)}`), inChat(groupId));

    await endMembership.removed(owner, member, groupId);
    await editMessage(owner, inGroup.id, 'edited after');
    await server.request(DeleteMessageDocument, { messageId: inGroup.id }, { token: owner.accessToken });
    await control.waitForEvent((event) => event.deletedAt !== null);
    await editMessage(owner, inPrivate.id, 'sentinel');
    await everyChat.waitForEvent((event) => event.body === 'sentinel');
    await delay(QUIET_MS);

    const afterRemoval = (event: MessageEvent) => event.body === 'edited after' || event.deletedAt !== null;
    expect(everyChat.events.filter(afterRemoval)).toEqual([]);
    expect(oneChat.events.filter(afterRemoval)).toEqual([]);
  });

  it('stops readReceiptUpdated, with and without chatId, from carrying a chat the member was removed from', async () => {
    const { owner, member, other, groupId, privateId } = await groupWithSentinel();
    const client = await socketOf(member);
    const everyChat = subscribe<ReceiptEvent>(client, RECEIPT_UPDATED);
    const oneChat = subscribe<ReceiptEvent>(client, RECEIPT_UPDATED, { chatId: groupId });
    await everyChat.ready(() => probe(owner, privateId), inChat(privateId));
    await oneChat.ready(() => probe(other, groupId), inChat(groupId));
    const control = subscribe<ReceiptEvent>(await socketOf(owner), RECEIPT_UPDATED, { chatId: groupId });
    await control.ready(() => probe(other, groupId), (event) => event.user.id === other.id);

    await endMembership.removed(owner, member, groupId);
    const sent = await sendMessage(server, other, groupId);
    await control.waitForEvent((event) => event.user.id === other.id && event.lastReadSeq === sent.seq);
    await server.request(MarkChatReadDocument, { chatId: groupId }, { token: owner.accessToken });
    await control.waitForEvent((event) => event.user.id === owner.id && event.lastReadSeq === sent.seq);
    const sentinel = await sendMessage(server, owner, privateId, { body: 'sentinel' });
    await everyChat.waitForEvent((event) => inChat(privateId)(event) && event.lastReadSeq === sentinel.seq);
    await delay(QUIET_MS);

    const afterRemoval = (event: ReceiptEvent) => inChat(groupId)(event) && event.lastReadSeq >= sent.seq;
    expect(everyChat.events.filter(afterRemoval)).toEqual([]);
    expect(oneChat.events.filter(afterRemoval)).toEqual([]);
  });

  it('carries the new messages of a chat the viewer joins after subscribing to messageAdded, but not its history', async () => {
    const [owner, newcomer, member] = (await users(3)) as [TestUser, TestUser, TestUser];
    const existing = await createGroup(server, owner, [member], 'Existing');
    await sendMany(owner, existing, 3);
    const privateId = await openPrivateChat(server, owner, newcomer);
    const subscription = subscribe<MessageEvent>(await socketOf(newcomer), MESSAGE_ADDED);
    await subscription.ready(() => probe(owner, privateId), inChat(privateId));

    expect((await server.request(AddChatMembersDocument, { chatId: existing, userIds: [newcomer.id] }, { token: owner.accessToken })).errors).toBeUndefined();
    const inExisting = await sendMessage(server, member, existing, { body: 'welcome' });
    const created = await createGroup(server, owner, [newcomer], 'Created after');
    const inCreated = await sendMessage(server, owner, created, { body: 'first' });

    await subscription.waitForEvent((event) => event.id === inCreated.id);
    expect(subscription.events.filter(inChat(existing)).map((event) => [event.seq, event.body])).toEqual([[inExisting.seq, 'welcome']]);
    expect(inExisting.seq).toBe(4);
    expect(subscription.events.filter(inChat(created)).map((event) => event.seq)).toEqual([1]);
  });
});

describe('messageUpdated', () => {
  it("carries edits and deletions of the chat asked for, and not other chats'", async () => {
    const [author, reader] = (await users(2)) as [TestUser, TestUser];
    const chatId = await createGroup(server, author, [reader], 'Watched');
    const elsewhere = await createGroup(server, author, [reader], 'Elsewhere');
    const [probeTarget, target, unwatched] = [
      await sendMessage(server, author, chatId),
      await sendMessage(server, author, chatId, { body: 'original' }),
      await sendMessage(server, author, elsewhere),
    ];
    const subscription = subscribe<MessageEvent>(await socketOf(reader), MESSAGE_UPDATED, { chatId });
    let edits = 0;
    await subscription.ready(() => editMessage(author, probeTarget.id, `probe edit ${(edits += 1)}`), (event) => event.id === probeTarget.id);

    await editMessage(author, unwatched.id, 'not watched');
    await editMessage(author, target.id, 'edited');
    await server.request(DeleteMessageDocument, { messageId: target.id }, { token: author.accessToken });

    const [edited, deleted] = await subscription.waitFor(2, 10_000, (event) => event.id === target.id);
    expect(edited).toMatchObject({ seq: target.seq, body: 'edited', deletedAt: null, chat: { id: chatId }, author: { id: author.id } });
    expect(edited!.editedAt).not.toBeNull();
    expect(deleted).toMatchObject({ seq: target.seq, body: null });
    expect(deleted!.deletedAt).not.toBeNull();
    expect(subscription.events.filter(inChat(elsewhere))).toEqual([]);
  });
});

describe('readReceiptUpdated', () => {
  it("reports every pointer move: markChatDelivered, markChatRead, and the sender's own pointers when sending; a call that moves nothing reports nothing", async () => {
    const [author, reader] = (await users(2)) as [TestUser, TestUser];
    const chatId = await openPrivateChat(server, author, reader);
    await sendMany(author, chatId, 3);
    const subscription = subscribe<ReceiptEvent>(await socketOf(author), RECEIPT_UPDATED, { chatId });
    await subscription.ready(() => probe(author, chatId), (event) => event.user.id === author.id);
    const lastSeq = await lastSeqOf(chatId);

    await server.request(MarkChatDeliveredDocument, { chatId, upToSeq: 2 }, { token: reader.accessToken });
    await server.request(MarkChatReadDocument, { chatId }, { token: reader.accessToken });
    await server.request(MarkChatReadDocument, { chatId }, { token: reader.accessToken });
    await server.request(MarkChatDeliveredDocument, { chatId, upToSeq: 1 }, { token: reader.accessToken });
    const sent = await sendMessage(server, author, chatId);

    // Events of one subscription arrive in the order they happened: the reader's come before this one.
    const last = await subscription.waitForEvent((event) => event.user.id === author.id && event.lastReadSeq === sent.seq);
    expect(last).toEqual({ user: { id: author.id }, chat: { id: chatId }, lastDeliveredSeq: sent.seq, lastReadSeq: sent.seq });
    expect(subscription.events.at(-1)).toBe(last);
    expect(subscription.events.filter((event) => event.user.id === reader.id)).toEqual([
      { user: { id: reader.id }, chat: { id: chatId }, lastDeliveredSeq: 2, lastReadSeq: 0 },
      { user: { id: reader.id }, chat: { id: chatId }, lastDeliveredSeq: lastSeq, lastReadSeq: lastSeq },
    ]);
  });
});

describe('deliveries', () => {
  const deliveredSeq = async (chatId: string, user: TestUser) =>
    (await prisma().chatMember.findUniqueOrThrow({ where: { chatId_userId: { chatId, userId: user.id } } })).lastDeliveredSeq;
  const statuses = async (author: TestUser, chatId: string) => {
    const result = await server.request(MessageStatusesDocument, { chatId }, { token: author.accessToken });
    expect(result.errors).toBeUndefined();
    return result.data!.messages.nodes.map((node) => [node.seq, node.status]);
  };

  it("moves the recipient's delivered pointer when messages reach their socket, tells the author, and marks the author's messages DELIVERED", async () => {
    const [author, recipient] = (await users(2)) as [TestUser, TestUser];
    const chatId = await openPrivateChat(server, author, recipient);
    const receipts = subscribe<ReceiptEvent>(await socketOf(author), RECEIPT_UPDATED, { chatId });
    await receipts.ready(() => probe(author, chatId), (event) => event.user.id === author.id);
    const stored = await lastSeqOf(chatId);
    expect(await statuses(author, chatId)).toEqual(range(1, stored).map((seq) => [seq, 'SENT']));

    // Replayed messages count as delivered too.
    const messages = subscribe<MessageEvent>(await socketOf(recipient), MESSAGE_ADDED, { chatId, afterSeq: 0 });
    await messages.waitFor(stored);
    await pollUntil(() => deliveredSeq(chatId, recipient), (seq) => seq === stored, 10_000, 'the replay to count as delivered');
    await receipts.waitForEvent((event) => event.user.id === recipient.id && event.lastDeliveredSeq === stored);
    expect(await statuses(author, chatId)).toEqual(range(1, stored).map((seq) => [seq, 'DELIVERED']));

    const live = await sendMessage(server, author, chatId, { body: 'live' });
    expect(live.seq).toBe(stored + 1);
    await messages.waitForEvent((event) => event.id === live.id);
    await pollUntil(() => deliveredSeq(chatId, recipient), (seq) => seq === live.seq, 10_000, 'the live message to count as delivered');
    const receipt = await receipts.waitForEvent((event) => event.user.id === recipient.id && event.lastDeliveredSeq === live.seq);
    expect(receipt.lastReadSeq).toBe(0);
    expect((await statuses(author, chatId)).at(-1)).toEqual([live.seq, 'DELIVERED']);
  });

  it('marks a group message DELIVERED only once it has reached a socket of every other member', async () => {
    const [author, first, second] = (await users(3)) as [TestUser, TestUser, TestUser];
    const chatId = await createGroup(server, author, [first, second]);
    const message = await sendMessage(server, author, chatId);
    const receipts = subscribe<ReceiptEvent>(await socketOf(author), RECEIPT_UPDATED, { chatId });
    await receipts.ready(() => probe(author, chatId), (event) => event.user.id === author.id);
    const lastSeq = await lastSeqOf(chatId);

    subscribe<MessageEvent>(await socketOf(first), MESSAGE_ADDED, { chatId, afterSeq: 0 });
    await receipts.waitForEvent((event) => event.user.id === first.id && event.lastDeliveredSeq === lastSeq);
    expect(await deliveredSeq(chatId, second)).toBe(0);
    expect((await statuses(author, chatId))[0]).toEqual([message.seq, 'SENT']);

    subscribe<MessageEvent>(await socketOf(second), MESSAGE_ADDED, { chatId, afterSeq: 0 });
    await receipts.waitForEvent((event) => event.user.id === second.id && event.lastDeliveredSeq === lastSeq);
    expect(await statuses(author, chatId)).toEqual(range(1, lastSeq).map((seq) => [seq, 'DELIVERED']));
  });
});

describe('slow consumers', () => {
  /** A raw graphql-transport-ws client, signed in, that counts what it receives and can stop reading. */
  async function rawClient(user: TestUser) {
    const socket = new WebSocket(server.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const received = { next: 0, other: [] as string[] };
    let acknowledged: () => void = () => {};
    const ack = new Promise<void>((resolve) => (acknowledged = resolve));
    socket.on('message', (data: WebSocket.RawData) => {
      const message = JSON.parse(String(data)) as { type: string };
      if (message.type === 'connection_ack') acknowledged();
      else if (message.type === 'next') received.next += 1;
      else received.other.push(String(data));
    });
    const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    await within(new Promise((resolve) => socket.once('open', resolve)), 5_000, 'the socket to open');
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${user.accessToken}` } }));
    await within(ack, 5_000, 'connection_ack');
    const tcp = (socket as unknown as { _socket: Socket })._socket;
    return { socket, received, closed, stopReading: () => tcp.pause(), resumeReading: () => tcp.resume() };
  }

  it('closes with 1013 a socket whose unsent data passes 1 MiB, instead of buffering without end', async () => {
    const [author, reader] = (await users(2)) as [TestUser, TestUser];
    const chatId = await openPrivateChat(server, author, reader);
    const first = await sendMessage(server, author, chatId, { body: 'first' });
    const client = await rawClient(reader);
    try {
      // Many subscriptions, each selecting the body many times: every message becomes about 1.8 MB to send.
      const subscriptions = 30;
      const bodies = Array.from({ length: 15 }, (_, index) => `b${index}: body`).join(' ');
      const query = `subscription ($chatId: ID!, $afterSeq: Int) { messageAdded(chatId: $chatId, afterSeq: $afterSeq) { seq ${bodies} } }`;
      for (let index = 0; index < subscriptions; index += 1) {
        client.socket.send(JSON.stringify({ id: `s${index}`, type: 'subscribe', payload: { query, variables: { chatId, afterSeq: first.seq - 1 } } }));
      }
      // Each replays the first message once it is live.
      await pollUntil(async () => client.received.next, (count) => count >= subscriptions, 10_000, 'every subscription to replay');
      expect(client.received.other).toEqual([]);

      client.stopReading();
      // Bounded: 20 messages are about 36 MB to send, several times what the kernel buffers take (about 5 MB here) plus 1 MiB.
      const messages = 20;
      for (let index = 0; index < messages; index += 1) await sendMessage(server, author, chatId, { body: 'x'.repeat(4_000) });
      client.resumeReading();

      const closed = await within(client.closed, 15_000, 'the server to close the slow socket');
      expect(closed.code).toBe(1013);
      expect(client.received.next).toBeLessThan(subscriptions * (messages + 1));
      const metrics = await (await fetch(server.url.replace(/\/graphql$/, '/metrics'))).text();
      expect(metrics).toMatch(/^parley_slow_consumer_closes_total 1$/m);
    } finally {
      client.socket.terminate();
    }
  }, 60_000);
});
