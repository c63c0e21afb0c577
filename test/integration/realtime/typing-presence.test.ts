import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FriendshipsDocument, RemoveChatMemberDocument, RespondToFriendRequestDocument, SendFriendRequestDocument } from '../../generated/graphql';
import { createGroup, openPrivateChat } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';
import { delay, httpGraphQL, type SignedInClient, signedInClient, subscribe, type Subscription, within } from '../../helpers/subscriptions';

interface TypingEvent {
  isTyping: boolean;
  at: string;
  chat: { id: string };
  user: { id: string };
}

interface PresenceEvent {
  isOnline: boolean;
  lastSeenAt: string | null;
  user: { id: string };
}

const TYPING = 'subscription ($chatId: ID!) { typing(chatId: $chatId) { isTyping at chat { id } user { id } } }';
const SET_TYPING = 'mutation ($chatId: ID!, $isTyping: Boolean!) { setTyping(chatId: $chatId, isTyping: $isTyping) }';
const PRESENCE = 'subscription { presenceChanged { isOnline lastSeenAt user { id } } }';
const USER_PRESENCE = 'query ($id: ID) { user(id: $id) { isOnline lastSeenAt } }';

/** How long a subscription must stay silent, after a sentinel event has arrived elsewhere, to count as receiving nothing. */
const QUIET_MS = 300;
const TYPING_TTL_MS = 6_000;

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

async function socketOf(user: TestUser): Promise<SignedInClient> {
  const client = signedInClient(server, user.accessToken);
  sockets.push(client);
  expect(await within(client.connected, 5_000, 'connection_ack')).toBe(true);
  return client;
}

async function closeSocket(client: SignedInClient): Promise<void> {
  await client.dispose();
  await within(client.closed, 5_000, 'the socket to close');
}

async function setTyping(user: TestUser, chatId: string, isTyping = true) {
  const result = await httpGraphQL<{ setTyping: boolean }>(server, user.accessToken, SET_TYPING, { chatId, isTyping });
  return result;
}

/** Typing events of `user` (only those with that isTyping, when given). */
const by = (user: TestUser, isTyping?: boolean) => (event: TypingEvent) => event.user.id === user.id && (isTyping === undefined || event.isTyping === isTyping);
/** Presence events of `user` (only those with that isOnline, when given). */
const of = (user: TestUser, isOnline?: boolean) => (event: PresenceEvent) => event.user.id === user.id && (isOnline === undefined || event.isOnline === isOnline);

/** typing(chatId) for `watcher`, proven live by `typist`'s signal; returns it with the time that signal arrived. */
async function watchTyping(watcher: TestUser, typist: TestUser, chatId: string) {
  const subscription = subscribe<TypingEvent>(await socketOf(watcher), TYPING, { chatId });
  await subscription.ready(() => setTyping(typist, chatId), by(typist, true));
  return subscription;
}

/** When the last event matching `where` arrived. */
function lastArrival<T>(subscription: Subscription<T>, where: (event: T) => boolean): number {
  const index = subscription.events.findLastIndex(where);
  return subscription.receivedAt[index]!;
}

describe('typing', () => {
  it("tells another member that someone is typing, with the chat and the typist, and does not echo the typist's own signal", async () => {
    const [typist, watcher] = (await users(2)) as [TestUser, TestUser];
    const chatId = await createGroup(server, typist, [watcher]);
    const watching = await watchTyping(watcher, typist, chatId);
    expect(watching.events[0]).toMatchObject({ isTyping: true, chat: { id: chatId }, user: { id: typist.id } });

    const own = await watchTyping(typist, watcher, chatId);
    expect((await setTyping(typist, chatId)).data?.setTyping).toBe(true);
    await setTyping(watcher, chatId, false);
    await own.waitForEvent(by(watcher, false));
    expect(own.events.filter(by(typist))).toEqual([]);
  });

  it('ends a signal that is not repeated with isTyping: false about 6 seconds later', async () => {
    const [typist, watcher] = (await users(2)) as [TestUser, TestUser];
    const chatId = await createGroup(server, typist, [watcher]);
    const watching = await watchTyping(watcher, typist, chatId);
    const started = lastArrival(watching, by(typist, true));

    const ended = await watching.waitForEvent(by(typist, false), TYPING_TTL_MS + 4_000);
    const after = lastArrival(watching, by(typist, false)) - started;
    expect(after).toBeGreaterThanOrEqual(5_500);
    expect(after).toBeLessThanOrEqual(8_000);
    expect(ended).toMatchObject({ chat: { id: chatId }, user: { id: typist.id } });
  }, 20_000);

  it('extends a signal repeated within 6 seconds', async () => {
    const [typist, watcher] = (await users(2)) as [TestUser, TestUser];
    const chatId = await createGroup(server, typist, [watcher]);
    const watching = await watchTyping(watcher, typist, chatId);
    const started = lastArrival(watching, by(typist, true));

    // Repeating half-way through is the scenario itself.
    await delay(started + TYPING_TTL_MS / 2 - Date.now());
    const repeats = watching.events.length;
    await setTyping(typist, chatId);
    await watching.waitFor(repeats + 1);
    const repeated = lastArrival(watching, by(typist, true));

    await watching.waitForEvent(by(typist, false), TYPING_TTL_MS + 4_000);
    const ended = lastArrival(watching, by(typist, false));
    expect(ended - started).toBeGreaterThanOrEqual(TYPING_TTL_MS / 2 + 5_500);
    expect(ended - repeated).toBeGreaterThanOrEqual(5_500);
    expect(ended - repeated).toBeLessThanOrEqual(8_000);
    expect(watching.events.filter(by(typist, false))).toHaveLength(1);
  }, 25_000);

  it('refuses setTyping and typing in a chat the viewer is not in (NOT_FOUND)', async () => {
    const [outsider, a, b] = (await users(3)) as [TestUser, TestUser, TestUser];
    const chatId = await openPrivateChat(server, a, b);
    const result = await setTyping(outsider, chatId);
    expect(result.data?.setTyping ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions.code).toBe('NOT_FOUND');

    const subscription = subscribe<TypingEvent>(await socketOf(outsider), TYPING, { chatId });
    const [error] = await subscription.waitForErrors();
    expect(error?.extensions?.code).toBe('NOT_FOUND');
  });

  it('stops telling a member removed from the chat, including the end of a signal that began before', async () => {
    const [owner, removed, control, typist] = (await users(4)) as [TestUser, TestUser, TestUser, TestUser];
    const chatId = await createGroup(server, owner, [removed, control, typist]);
    const watching = await watchTyping(removed, owner, chatId);
    const controlling = await watchTyping(control, owner, chatId);

    await server.request(RemoveChatMemberDocument, { chatId, userId: removed.id }, { token: owner.accessToken });
    await setTyping(typist, chatId);
    await controlling.waitForEvent(by(typist, true));
    // The owner's signal from before the removal runs out now; the remaining member is told.
    await controlling.waitForEvent(by(owner, false), TYPING_TTL_MS + 4_000);
    await delay(QUIET_MS);

    expect(watching.events.filter(by(typist))).toEqual([]);
    expect(watching.events.filter(by(owner, false))).toEqual([]);
  }, 20_000);
});

/** A user whose socket going online proves that `viewer`'s presence subscription is live; they share a chat. */
async function watchPresence(viewer: TestUser): Promise<{ presence: Subscription<PresenceEvent>; probe: TestUser; probeSocket: () => SignedInClient }> {
  const [probe] = (await users(1)) as [TestUser];
  await openPrivateChat(server, probe, viewer);
  const presence = subscribe<PresenceEvent>(await socketOf(viewer), PRESENCE);
  let socket: SignedInClient | undefined;
  await presence.ready(async () => {
    if (socket) await closeSocket(socket);
    socket = await socketOf(probe);
  }, of(probe, true));
  return { presence, probe, probeSocket: () => socket! };
}

async function presenceOf(viewer: TestUser, user: TestUser) {
  const result = await httpGraphQL<{ user: { isOnline: boolean; lastSeenAt: string | null } }>(server, viewer.accessToken, USER_PRESENCE, { id: user.id });
  expect(result.errors).toBeUndefined();
  return result.data!.user;
}

async function becomeFriends(a: TestUser, b: TestUser): Promise<void> {
  await server.request(SendFriendRequestDocument, { userId: b.id }, { token: a.accessToken });
  const incoming = await server.request(FriendshipsDocument, { status: 'INCOMING' }, { token: b.accessToken });
  const request = incoming.data!.friendships.nodes.find((node) => node.user.id === a.id)!;
  expect((await server.request(RespondToFriendRequestDocument, { friendshipId: request.id, accept: true }, { token: b.accessToken })).errors).toBeUndefined();
}

describe('presence', () => {
  it('keeps a user online while one of their sockets is open, and tells people sharing a chat when they come and go', async () => {
    const [viewer, subject] = (await users(2)) as [TestUser, TestUser];
    await openPrivateChat(server, viewer, subject);
    const { presence, probe, probeSocket } = await watchPresence(viewer);
    const startedAt = Date.now();

    const first = await socketOf(subject);
    expect(await presence.waitForEvent(of(subject))).toEqual({ isOnline: true, lastSeenAt: null, user: { id: subject.id } });
    expect(await presenceOf(viewer, subject)).toMatchObject({ isOnline: true });
    const second = await socketOf(subject);

    await closeSocket(first);
    // The probe's going offline comes after the server has seen the first socket close.
    const probeOfflines = presence.events.filter(of(probe, false)).length;
    await closeSocket(probeSocket());
    await presence.waitFor(probeOfflines + 1, 10_000, of(probe, false));
    expect(await presenceOf(viewer, subject)).toMatchObject({ isOnline: true });
    expect(presence.events.filter(of(subject))).toHaveLength(1);

    await closeSocket(second);
    const offline = await presence.waitForEvent(of(subject, false));
    expect(Date.parse(offline.lastSeenAt!)).toBeGreaterThanOrEqual(startedAt - 1_000);
    expect(await presenceOf(viewer, subject)).toEqual({ isOnline: false, lastSeenAt: offline.lastSeenAt });
    expect(presence.events.filter(of(subject)).map((event) => event.isOnline)).toEqual([true, false]);
  });

  it("tells a user's friends", async () => {
    const [viewer, friend] = (await users(2)) as [TestUser, TestUser];
    await becomeFriends(viewer, friend);
    const { presence } = await watchPresence(viewer);

    const socket = await socketOf(friend);
    await presence.waitForEvent(of(friend));
    await closeSocket(socket);
    await presence.waitForEvent(of(friend, false));
    expect(presence.events.filter(of(friend)).map((event) => event.isOnline)).toEqual([true, false]);
  });

  it('tells people who came to share a chat with the user after subscribing', async () => {
    const [viewer, newcomer] = (await users(2)) as [TestUser, TestUser];
    const { presence } = await watchPresence(viewer);
    await createGroup(server, viewer, [newcomer]);

    await socketOf(newcomer);
    expect(await presence.waitForEvent(of(newcomer))).toMatchObject({ isOnline: true });
  });

  it('tells nobody who is neither a friend nor shares a chat', async () => {
    const [contact, stranger, subject] = (await users(3)) as [TestUser, TestUser, TestUser];
    await openPrivateChat(server, contact, subject);
    const watching = await watchPresence(contact);
    const notWatching = await watchPresence(stranger);

    await closeSocket(await socketOf(subject));
    await watching.presence.waitForEvent(of(subject, false));
    // A later event of the stranger's own contact: everything before it has been delivered.
    const probeOfflines = notWatching.presence.events.filter(of(notWatching.probe, false)).length;
    await closeSocket(notWatching.probeSocket());
    await notWatching.presence.waitFor(probeOfflines + 1, 10_000, of(notWatching.probe, false));

    expect(notWatching.presence.events.filter(of(subject))).toEqual([]);
  });
});
