import type { Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoveChatMemberDocument, RenameChatDocument, SendFriendRequestDocument } from '../../generated/graphql';
import { createGroup, openPrivateChat, sendMessage } from '../../helpers/chat-factories';
import type { TestDatabase } from '../../helpers/database';
import { signUpUser, type TestUser } from '../../helpers/factories';
import {
  type Collected,
  collect,
  connectedClient,
  createPostgresTestDatabase,
  postgresProblem,
  redisProblem,
  requireServices,
  type ServerProcess,
  SHARED_REDIS_URL,
  skipWithout,
  startServerProcess,
  untilLive,
  waitFor,
} from '../../helpers/redis';
import { postGraphQL, startTestServer, type TestServer } from '../../helpers/server';
import { delay } from '../../helpers/subscriptions';
import { chatColumns } from '../../../src/modules/chats/chat.type';
import { type MessageRecord, messageSelect, toMessage } from '../../../src/modules/messages/message.type';
import { userColumns } from '../../../src/modules/users/user.type';
import { createEventBus } from '../../../src/realtime/pubsub';

const MESSAGE_ADDED = `subscription ($chatId: ID, $afterSeq: Int) {
  messageAdded(chatId: $chatId, afterSeq: $afterSeq) { id seq body chat { id } }
}`;
const CHAT_UPDATED = 'subscription { chatUpdated { kind chat { id } users { id } } }';
const RECEIPT_UPDATED = 'subscription ($chatId: ID) { readReceiptUpdated(chatId: $chatId) { lastDeliveredSeq user { id } } }';
const PRESENCE_CHANGED = 'subscription { presenceChanged { isOnline lastSeenAt user { id } } }';
const USER_PRESENCE = 'query ($id: ID) { user(id: $id) { isOnline lastSeenAt } }';

interface AddedMessage {
  id: string;
  seq: number;
  body: string | null;
  chat: { id: string };
}
interface Receipt {
  lastDeliveredSeq: number;
  user: { id: string };
}
/** A receipt event as it travels through Redis. */
interface ReceiptMove {
  receipt: { userId: string; lastDeliveredSeq: number };
}
interface ChatUpdate {
  kind: string;
  chat: { id: string };
  users: { id: string }[];
}
interface PresenceEvent {
  isOnline: boolean;
  lastSeenAt: string | null;
  user: { id: string };
}

const problems = await Promise.all([redisProblem(SHARED_REDIS_URL), postgresProblem()]);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

describe.skipIf(skipWithout(problems))('two instances sharing one PostgreSQL database and one Redis', () => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let redis: Redis;
  const clients: Client[] = [];
  const processes: ServerProcess[] = [];

  beforeAll(async () => {
    requireServices(problems);
    database = await createPostgresTestDatabase();
    // One after the other: both would migrate the fresh database.
    a = await startTestServer({ env: { REDIS_URL: SHARED_REDIS_URL }, database });
    b = await startTestServer({ env: { REDIS_URL: SHARED_REDIS_URL }, database });
    redis = new Redis(SHARED_REDIS_URL);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await Promise.all(processes.map((running) => running.kill()));
    await a?.close();
    await b?.close();
    await redis?.quit();
    await database?.drop();
  });

  async function socketOn(server: { url: string }, user: TestUser): Promise<Client> {
    const client = await connectedClient(server.url, user.accessToken);
    clients.push(client);
    return client;
  }

  async function befriend(one: TestUser, other: TestUser): Promise<void> {
    await b.request(SendFriendRequestDocument, { userId: other.id }, { token: one.accessToken });
    const accepted = await a.request(SendFriendRequestDocument, { userId: one.id }, { token: other.accessToken });
    expect(accepted.data?.sendFriendRequest.status).toBe('ACCEPTED');
  }

  async function presenceOf(server: TestServer, viewer: TestUser, user: TestUser) {
    const result = await postGraphQL<{ user: { isOnline: boolean; lastSeenAt: string | null } }>(
      server.url,
      { query: USER_PRESENCE, variables: { id: user.id } },
      { token: viewer.accessToken },
    );
    expect(result.errors).toBeUndefined();
    return result.data!.user;
  }

  /** `viewer`'s presenceChanged on B, live: a friend of theirs comes and goes on A until it shows. */
  async function presenceFeedOnB(viewer: TestUser): Promise<Collected<PresenceEvent>> {
    const neighbour = await signUpUser(a);
    await befriend(neighbour, viewer);
    const feed = collect<PresenceEvent>(await socketOn(b, viewer), PRESENCE_CHANGED);
    await untilLive(feed, async () => {
      const client = await connectedClient(a.url, neighbour.accessToken);
      await client.dispose();
    });
    return feed;
  }

  describe('messageAdded', () => {
    it('delivers to a subscriber on A the messages sent through A and B at once, each once, in seq order', async () => {
      const [alice, bob, carol] = await Promise.all([signUpUser(a), signUpUser(b), signUpUser(a)]);
      const chatId = await createGroup(b, bob, [alice, carol]);
      const warmUpChatId = await openPrivateChat(b, bob, alice);
      const socket = await socketOn(a, alice);
      const inChat = collect<AddedMessage>(socket, MESSAGE_ADDED, { chatId, afterSeq: 0 });
      const everywhere = collect<AddedMessage>(socket, MESSAGE_ADDED);
      await untilLive(everywhere, () => sendMessage(b, bob, warmUpChatId, { body: 'warm-up' }));

      const sent = await Promise.all(
        range(1, 40).map((index) =>
          index % 2 === 0 ? sendMessage(b, bob, chatId, { body: `via B ${index}` }) : sendMessage(a, carol, chatId, { body: `via A ${index}` }),
        ),
      );
      // A last message through B marks the end: anything due before it has arrived when it does.
      sent.push(await sendMessage(b, bob, chatId, { body: 'the end' }));
      const inSeqOrder = sent.sort((x, y) => x.seq - y.seq).map((message) => message.id);
      expect(sent.map((message) => message.seq)).toEqual(range(1, 41));

      await inChat.until(41);
      const everywhereInChat = () => everywhere.values.filter((message) => message.chat.id === chatId);
      await waitFor('41 messages of the chat on the subscription without chatId', () => everywhereInChat().length >= 41);
      expect(inChat.values.map((message) => message.seq)).toEqual(range(1, 41));
      expect(inChat.values.map((message) => message.id)).toEqual(inSeqOrder);
      expect(everywhereInChat().map((message) => message.seq)).toEqual(range(1, 41));
      expect(everywhereInChat().map((message) => message.id)).toEqual(inSeqOrder);
      expect(inChat.errors).toEqual([]);
      expect(everywhere.errors).toEqual([]);
    });

    it("stops a member removed through B from receiving, on A, that chat's messages sent through B", async () => {
      const [owner, member, witness] = await Promise.all([signUpUser(b), signUpUser(a), signUpUser(a)]);
      const chatId = await createGroup(b, owner, [member, witness]);
      const otherChatId = await openPrivateChat(b, owner, member);
      const memberSocket = await socketOn(a, member);
      const updates = collect<ChatUpdate>(memberSocket, CHAT_UPDATED);
      const memberInChat = collect<AddedMessage>(memberSocket, MESSAGE_ADDED, { chatId, afterSeq: 0 });
      const memberEverywhere = collect<AddedMessage>(memberSocket, MESSAGE_ADDED);
      const witnessInChat = collect<AddedMessage>(await socketOn(a, witness), MESSAGE_ADDED, { chatId, afterSeq: 0 });
      let renames = 0;
      await untilLive(updates, () => b.request(RenameChatDocument, { chatId, name: `Renamed ${++renames}` }, { token: owner.accessToken }));
      expect(updates.values[0]).toEqual({ kind: 'RENAMED', chat: { id: chatId }, users: [] });
      await untilLive(memberEverywhere, () => sendMessage(b, owner, chatId, { body: 'before' }));
      const lastBefore = (await b.parley.database.prisma.chat.findUniqueOrThrow({ where: { id: chatId } })).lastSeq;
      await memberInChat.until(lastBefore);
      await witnessInChat.until(lastBefore);

      const removed = await b.request(RemoveChatMemberDocument, { chatId, userId: member.id }, { token: owner.accessToken });
      expect(removed.errors).toBeUndefined();
      const after = await sendMessage(b, owner, chatId, { body: 'after the removal' });
      await witnessInChat.until(lastBefore + 1);
      expect(witnessInChat.values.at(-1)?.id).toBe(after.id);
      // A message of a chat the member is still in ends what their subscription can have received.
      const elsewhere = await sendMessage(b, owner, otherChatId, { body: 'still friends' });
      await waitFor('the other chat message', () => memberEverywhere.values.some((message) => message.id === elsewhere.id));

      const removal = await waitFor('MEMBER_REMOVED on chatUpdated', () => updates.values.find((update) => update.kind === 'MEMBER_REMOVED'));
      expect(removal).toEqual({ kind: 'MEMBER_REMOVED', chat: { id: chatId }, users: [{ id: member.id }] });
      expect(memberInChat.values.map((message) => message.seq)).toEqual(range(1, lastBefore));
      expect(memberEverywhere.values.filter((message) => message.chat.id === chatId).every((message) => message.seq <= lastBefore)).toBe(true);
      expect([...memberInChat.values, ...memberEverywhere.values].some((message) => message.id === after.id)).toBe(false);
    });

    it('holds a message that arrives ahead of a missing one until it comes (no read), and fills a gap that stays from the database', async () => {
      const reads: string[] = [];
      const counted = await startTestServer({
        env: { REDIS_URL: SHARED_REDIS_URL },
        database,
        databaseOptions: { onQuery: (sql) => /FROM "public"\."Message"|FROM "Message"/.test(sql) && reads.push(sql) },
      });
      const publisher = createEventBus(SHARED_REDIS_URL, pino({ level: 'silent' }));
      try {
        const [alice, bob] = await Promise.all([signUpUser(a), signUpUser(a)]);
        const chatId = await openPrivateChat(a, bob, alice);
        const feed = collect<AddedMessage>(await socketOn(counted, alice), MESSAGE_ADDED, { chatId });
        await untilLive(feed, () => sendMessage(a, bob, chatId, { body: 'live?' }));
        // Four messages stored without their events, which the test then publishes crossed, and one never.
        const prisma = a.parley.database.prisma;
        const stored: MessageRecord[] = [];
        for (const body of ['first', 'second', 'third', 'fourth']) {
          const { lastSeq: seq } = await prisma.chat.update({ where: { id: chatId }, data: { lastSeq: { increment: 1 } }, select: { lastSeq: true } });
          stored.push(await prisma.message.create({ data: { chatId, authorId: bob.id, seq, body }, select: messageSelect }));
        }
        const author = await prisma.user.findUniqueOrThrow({ where: { id: bob.id }, select: userColumns });
        const chat = await prisma.chat.findUniqueOrThrow({ where: { id: chatId }, select: chatColumns });
        const publish = (index: number) => publisher.publish('message.added', { chatId, message: toMessage(stored[index]!), author, chat });
        const bodies = () => feed.values.map((message) => message.body);
        reads.length = 0;

        publish(1);
        await delay(30);
        publish(0);
        await waitFor('the crossed pair', () => bodies().includes('second'));
        expect(bodies().slice(-2)).toEqual(['first', 'second']);
        expect(reads).toEqual([]);

        publish(3);
        await waitFor('the gap to be filled', () => bodies().includes('fourth'), 5_000);
        expect(bodies().slice(-4)).toEqual(['first', 'second', 'third', 'fourth']);
        expect(reads).toHaveLength(1);
        expect(feed.values.map((message) => message.seq)).toEqual(range(feed.values[0]!.seq, feed.values.at(-1)!.seq));
        expect(feed.errors).toEqual([]);
      } finally {
        await publisher.close();
        await counted.close();
      }
    });
  });

  describe('readReceiptUpdated', () => {
    it("tells a subscriber on B of the delivered pointers A's sockets moved, a tick's moves in one Redis message", async () => {
      const [author, ...readers] = await Promise.all([signUpUser(a), signUpUser(a), signUpUser(a), signUpUser(a)]);
      const chatId = await createGroup(b, author, readers);
      const feeds = await Promise.all(readers.map(async (reader) => collect<AddedMessage>(await socketOn(a, reader), MESSAGE_ADDED, { chatId })));
      for (const feed of feeds) await untilLive(feed, () => sendMessage(b, author, chatId, { body: 'live?' }));
      const receipts = collect<Receipt>(await socketOn(b, author), RECEIPT_UPDATED, { chatId });
      await untilLive(receipts, () => sendMessage(b, author, chatId, { body: 'receipts live?' }));
      const channel = new Redis(SHARED_REDIS_URL);
      const heard: string[] = [];
      channel.on('message', (_channel: string, message: string) => heard.push(message));
      await channel.subscribe('receipt.updated');
      try {
        const sent = await sendMessage(b, author, chatId, { body: 'to all three' });
        const reached = (reader: TestUser) => receipts.values.some((receipt) => receipt.user.id === reader.id && receipt.lastDeliveredSeq === sent.seq);
        await waitFor('every reader delivered, told on B', () => readers.every(reached));
        // Each Redis message: one receipt event, or a batch of them.
        const moves = heard.map((message) => {
          const payload = JSON.parse(message) as ReceiptMove | { $batch: ReceiptMove[] };
          return ('$batch' in payload ? payload.$batch : [payload]).filter(({ receipt }) => receipt.lastDeliveredSeq === sent.seq && receipt.userId !== author.id);
        });
        expect(moves.filter((carried) => carried.length > 0).map((carried) => carried.map(({ receipt }) => receipt.userId).sort())).toEqual([readers.map((reader) => reader.id).sort()]);
        expect(receipts.errors).toEqual([]);
      } finally {
        await channel.quit();
      }
    });
  });

  describe('presence', () => {
    it('keeps a user online while any instance holds a socket of theirs, and tells a friend on the other instance', async () => {
      const [user, friend] = await Promise.all([signUpUser(a), signUpUser(b)]);
      await befriend(user, friend);
      const presence = await presenceFeedOnB(friend);
      const ofUser = () => presence.values.filter((event) => event.user.id === user.id);
      const online = { isOnline: true, lastSeenAt: null, user: { id: user.id } };

      const onA = await socketOn(a, user);
      await waitFor('the online event on B', () => ofUser().length >= 1);
      expect(ofUser()).toEqual([online]);
      expect(await presenceOf(b, friend, user)).toMatchObject({ isOnline: true });

      const onB = await socketOn(b, user);
      await onA.dispose();
      await waitFor('instance A to let go of the user', async () => (await redis.zcard(`parley:presence:${user.id}`)) === 1);
      expect(await presenceOf(a, friend, user)).toMatchObject({ isOnline: true });
      expect(await presenceOf(b, friend, user)).toMatchObject({ isOnline: true });

      await onB.dispose();
      await waitFor('the offline event on B', () => ofUser().length >= 2);
      const [, offline] = ofUser();
      expect(ofUser()).toEqual([online, { isOnline: false, lastSeenAt: expect.any(String), user: { id: user.id } }]);
      expect(Math.abs(Date.parse(offline!.lastSeenAt!) - Date.now())).toBeLessThan(30_000);
      expect(await presenceOf(a, friend, user)).toEqual({ isOnline: false, lastSeenAt: offline!.lastSeenAt });
      expect(await presenceOf(b, friend, user)).toEqual({ isOnline: false, lastSeenAt: offline!.lastSeenAt });
    });

    describe('when an instance is killed', () => {
      let killed: ServerProcess;
      beforeAll(async () => {
        killed = await startServerProcess({ DATABASE_URL: database.options.databaseUrl!, REDIS_URL: SHARED_REDIS_URL });
        processes.push(killed);
      });

      it('takes its users offline within 45 seconds', { timeout: 60_000 }, async () => {
        const [user, friend] = await Promise.all([signUpUser(a), signUpUser(b)]);
        await befriend(user, friend);
        const presence = await presenceFeedOnB(friend);
        const ofUser = () => presence.values.filter((event) => event.user.id === user.id);

        await socketOn({ url: killed.url }, user);
        await waitFor('the online event on B', () => ofUser().length >= 1);
        expect(ofUser()).toEqual([{ isOnline: true, lastSeenAt: null, user: { id: user.id } }]);
        expect(await presenceOf(b, friend, user)).toMatchObject({ isOnline: true });

        const killedAt = Date.now();
        await killed.kill();
        const offline = await waitFor('the offline event on B', () => ofUser().find((event) => !event.isOnline), 45_000, 100);
        const seconds = (Date.now() - killedAt) / 1000;
        console.log(`[scale-out] user offline ${seconds.toFixed(1)} s after SIGKILL of their instance`);
        expect(seconds).toBeLessThanOrEqual(45);
        expect(offline.lastSeenAt).toEqual(expect.any(String));
        expect(await presenceOf(a, friend, user)).toMatchObject({ isOnline: false });
        expect(await presenceOf(b, friend, user)).toMatchObject({ isOnline: false });
      });
    });
  });
});
