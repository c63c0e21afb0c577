import { print } from 'graphql';
import type { Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoveChatMemberDocument, SendMessageDocument } from '../../generated/graphql';
import { createGroup, openPrivateChat, sendMessage } from '../../helpers/chat-factories';
import type { TestDatabase } from '../../helpers/database';
import { signUpUser, type TestUser } from '../../helpers/factories';
import {
  type Collected,
  collect,
  connectedClient,
  createPostgresTestDatabase,
  postgresProblem,
  RedisServer,
  redisServerProblem,
  requireServices,
  type ServerProcess,
  skipWithout,
  startServerProcess,
  untilLive,
  waitFor,
} from '../../helpers/redis';
import { postGraphQL, startTestServer, type TestServer } from '../../helpers/server';

const MESSAGE_ADDED = `subscription ($chatId: ID, $afterSeq: Int) {
  messageAdded(chatId: $chatId, afterSeq: $afterSeq) { id seq body chat { id } }
}`;

interface AddedMessage {
  id: string;
  seq: number;
  body: string | null;
  chat: { id: string };
}

/** Each instance holds three connections to Redis: publish, subscribe, and shared state (presence). */
const CONNECTIONS_PER_INSTANCE = 3;

const problems = [redisServerProblem(), await postgresProblem()];
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);
const seqsIn = (feed: Collected<AddedMessage>, chatId: string) => feed.values.filter((message) => message.chat.id === chatId).map((message) => message.seq);

describe.skipIf(skipWithout(problems))('a Redis outage under two instances', () => {
  let redisServer: RedisServer;
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  const clients: Client[] = [];
  const processes: ServerProcess[] = [];

  beforeAll(async () => {
    requireServices(problems);
    redisServer = await RedisServer.start();
    database = await createPostgresTestDatabase();
    a = await startTestServer({ env: { REDIS_URL: redisServer.url }, database });
    b = await startTestServer({ env: { REDIS_URL: redisServer.url }, database });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await Promise.all(processes.map((running) => running.kill()));
    // The instances say goodbye to Redis on close: give them one to talk to.
    if (redisServer && !redisServer.running) await redisServer.restart();
    await a?.close();
    await b?.close();
    await database?.drop();
    await redisServer?.kill();
  });

  async function socketOn(server: TestServer, user: TestUser): Promise<Client> {
    const client = await connectedClient(server.url, user.accessToken);
    clients.push(client);
    return client;
  }

  const lastSeq = async (chatId: string) => (await a.parley.database.prisma.chat.findUniqueOrThrow({ where: { id: chatId } })).lastSeq;

  /** The instances connected to Redis again (every connection, the publishing ones included). */
  async function untilInstancesReconnected(instances = 2): Promise<void> {
    const probe = new Redis(redisServer.url);
    try {
      await waitFor(`${instances} instances to connect to Redis`, async () => {
        const clientList = (await probe.client('LIST')) as string;
        return clientList.trim().split('\n').length - 1 >= instances * CONNECTIONS_PER_INSTANCE;
      }, 15_000, 50);
    } finally {
      probe.disconnect();
    }
  }

  /** Restarts Redis and returns when it answers again. */
  async function restartRedis(): Promise<number> {
    await redisServer.restart();
    return Date.now();
  }

  it('keeps HTTP and open sockets working while Redis is down, then catches the subscriber up in order and goes live again', async () => {
    const [alice, bob] = await Promise.all([signUpUser(a), signUpUser(b)]);
    const chatId = await openPrivateChat(b, bob, alice);
    const socket = await socketOn(a, alice);
    let socketClosed = false;
    socket.on('closed', () => (socketClosed = true));
    const inChat = collect<AddedMessage>(socket, MESSAGE_ADDED, { chatId, afterSeq: 0 });
    const everywhere = collect<AddedMessage>(socket, MESSAGE_ADDED);
    await untilLive(everywhere, () => sendMessage(b, bob, chatId, { body: 'before the outage' }));
    const before = await lastSeq(chatId);
    await inChat.until(before);

    await redisServer.kill();
    const during: string[] = [];
    for (const index of range(1, 5)) during.push((await sendMessage(b, bob, chatId, { body: `during the outage ${index}` })).id);
    expect(await lastSeq(chatId)).toBe(before + 5);
    expect(inChat.values).toHaveLength(before);
    expect(socketClosed).toBe(false);

    const backAt = await restartRedis();
    await inChat.until(before + 5, 15_000);
    await waitFor('the outage messages on the subscription without chatId', () => during.every((id) => everywhere.values.some((message) => message.id === id)), 15_000);
    const catchUpMs = Date.now() - backAt;
    console.log(`[redis-outage] subscribers caught up ${catchUpMs} ms after Redis came back`);

    expect(inChat.values.map((message) => message.seq)).toEqual(range(1, before + 5));
    expect(inChat.values.slice(before).map((message) => message.id)).toEqual(during);
    const seen = seqsIn(everywhere, chatId);
    expect(seen).toEqual(range(seen[0]!, before + 5));

    await untilInstancesReconnected();
    const live = await sendMessage(b, bob, chatId, { body: 'after the outage' });
    await inChat.until(before + 6);
    await waitFor('the live message on the subscription without chatId', () => everywhere.values.some((message) => message.id === live.id));
    expect(inChat.values.at(-1)).toMatchObject({ id: live.id, seq: before + 6 });
    expect(seqsIn(everywhere, chatId)).toEqual(range(seen[0]!, before + 6));
    expect(socketClosed).toBe(false);
    expect([...inChat.errors, ...everywhere.errors]).toEqual([]);
  });

  it('reads access again when Redis is back: a removal made elsewhere during the outage stops the chat on sockets old and new', async () => {
    const [alice, bob, carol] = await Promise.all([signUpUser(a), signUpUser(b), signUpUser(a)]);
    const groupId = await createGroup(b, bob, [alice, carol]);
    const sentinelChatId = await openPrivateChat(b, bob, alice);
    const old = collect<AddedMessage>(await socketOn(a, alice), MESSAGE_ADDED);
    await untilLive(old, () => sendMessage(b, bob, sentinelChatId, { body: 'before the outage' }));
    await untilInstancesReconnected();

    await redisServer.kill();
    const removed = await b.request(RemoveChatMemberDocument, { chatId: groupId, userId: alice.id }, { token: bob.accessToken });
    expect(removed.errors).toBeUndefined();
    await restartRedis();
    await untilInstancesReconnected();
    // A socket opened now shares the user's access on A with the old one.
    const fresh = collect<AddedMessage>(await socketOn(a, alice), MESSAGE_ADDED);
    await untilLive(fresh, () => sendMessage(b, bob, sentinelChatId, { body: 'after the outage' }));

    const afterRemoval = await sendMessage(a, carol, groupId, { body: 'not for alice' });
    const sentinel = await sendMessage(b, bob, sentinelChatId, { body: 'sentinel' });
    await waitFor('the sentinel on both sockets', () => [old, fresh].every((feed) => feed.values.some((message) => message.id === sentinel.id)), 15_000);
    for (const feed of [old, fresh]) expect(feed.values.filter((message) => message.id === afterRemoval.id)).toEqual([]);
  });

  it('catches up every chat of a messageAdded subscription without chatId', async () => {
    const [alice, bob, carol] = await Promise.all([signUpUser(a), signUpUser(b), signUpUser(a)]);
    const privateChatId = await openPrivateChat(b, bob, alice);
    const groupId = await createGroup(a, carol, [alice, bob]);
    const everywhere = collect<AddedMessage>(await socketOn(a, alice), MESSAGE_ADDED);
    await untilLive(everywhere, () => sendMessage(b, bob, privateChatId, { body: 'before the outage' }));
    await untilInstancesReconnected();

    await redisServer.kill();
    const sent = [
      await sendMessage(b, bob, privateChatId, { body: 'through B' }),
      await sendMessage(a, carol, groupId, { body: 'through A' }),
      await sendMessage(b, bob, groupId, { body: 'through B too' }),
      await sendMessage(b, bob, privateChatId, { body: 'through B again' }),
    ];
    const backAt = await restartRedis();
    await waitFor('every outage message', () => sent.every(({ id }) => everywhere.values.some((message) => message.id === id)), 15_000);
    console.log(`[redis-outage] a subscription without chatId caught up ${Date.now() - backAt} ms after Redis came back`);

    const privateSeqs = seqsIn(everywhere, privateChatId);
    expect(privateSeqs).toEqual(range(privateSeqs[0]!, await lastSeq(privateChatId)));
    expect(seqsIn(everywhere, groupId)).toEqual([1, 2]);
    expect(everywhere.errors).toEqual([]);
  });

  it('keeps a server process alive and answering when it publishes while Redis is down', { timeout: 60_000 }, async () => {
    const running = await startServerProcess({ DATABASE_URL: database.options.databaseUrl!, REDIS_URL: redisServer.url });
    processes.push(running);
    const [alice, bob] = await Promise.all([signUpUser(b), signUpUser(b)]);
    const chatId = await openPrivateChat(b, bob, alice);
    await untilInstancesReconnected(3);
    const send = (body: string) =>
      postGraphQL<{ sendMessage: { seq: number } }>(running.url, { query: print(SendMessageDocument), variables: { input: { chatId, body } } }, { token: alice.accessToken }).catch(
        (error: Error) => ({ status: 0, data: undefined, errors: [{ message: `${error.message}; the process said: ${running.output.join('')}` }] }),
      );

    await redisServer.kill();
    try {
      for (const seq of range(1, 4)) {
        const answer = await send(`during the outage ${seq}`);
        expect(answer.errors).toBeUndefined();
        expect(answer).toMatchObject({ status: 200, data: { sendMessage: { seq } } });
      }
      expect(running.child.exitCode).toBeNull();
    } finally {
      await restartRedis();
    }
  });
});
