import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BlockUserDocument,
  FriendshipsDocument,
  RemoveFriendDocument,
  RespondToFriendRequestDocument,
  SendFriendRequestDocument,
  UnblockUserDocument,
} from '../../generated/graphql';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { type GraphQLResponse, startTestServer, type TestServer } from '../../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';

const send = (from: TestUser, to: string) => server.request(SendFriendRequestDocument, { userId: to }, { token: from.accessToken });
const respond = (viewer: TestUser, friendshipId: string, accept: boolean) =>
  server.request(RespondToFriendRequestDocument, { friendshipId, accept }, { token: viewer.accessToken });
const remove = (viewer: TestUser, userId: string) => server.request(RemoveFriendDocument, { userId }, { token: viewer.accessToken });
const block = (viewer: TestUser, userId: string) => server.request(BlockUserDocument, { userId }, { token: viewer.accessToken });

/** Each user's row about the other: their status, or null when there is none. */
async function statuses(a: TestUser, b: TestUser): Promise<{ a: string | null; b: string | null; rows: number }> {
  const rows = await server.parley.database.prisma.friendship.findMany({
    where: { OR: [{ userId: a.id, otherUserId: b.id }, { userId: b.id, otherUserId: a.id }] },
    select: { userId: true, status: true },
  });
  const of = (user: TestUser) => rows.find((row) => row.userId === user.id)?.status ?? null;
  return { a: of(a), b: of(b), rows: rows.length };
}

/** Every friendship row in this file's database, to show that a refused operation changed nothing. */
const allRows = () => server.parley.database.prisma.friendship.findMany({ orderBy: { id: 'asc' } });

function expectError(result: GraphQLResponse<object>, code: string, field?: string): void {
  expect(Object.values(result.data ?? {}).filter((value) => value !== null)).toEqual([]);
  expect(result.errors?.[0]?.extensions).toMatchObject({ code, ...(field ? { field } : {}) });
}

async function twoUsers(): Promise<[TestUser, TestUser]> {
  return Promise.all([signUpUser(server), signUpUser(server)]);
}

async function pending(): Promise<{ sender: TestUser; recipient: TestUser; requestId: string }> {
  const [sender, recipient] = await twoUsers();
  expect((await send(sender, recipient.id)).errors).toBeUndefined();
  const incoming = await server.request(FriendshipsDocument, { status: 'INCOMING' }, { token: recipient.accessToken });
  return { sender, recipient, requestId: incoming.data!.friendships.nodes[0]!.id };
}

async function friends(): Promise<[TestUser, TestUser]> {
  const { sender, recipient, requestId } = await pending();
  expect((await respond(recipient, requestId, true)).errors).toBeUndefined();
  return [sender, recipient];
}

describe('sendFriendRequest', () => {
  it("creates the sender's OUTGOING row and the recipient's INCOMING row", async () => {
    const [alice, bob] = await twoUsers();
    const result = await send(alice, bob.id);
    expect(result.errors).toBeUndefined();
    expect(result.data?.sendFriendRequest).toMatchObject({ status: 'OUTGOING', user: { id: bob.id, username: bob.username } });
    expect(await statuses(alice, bob)).toEqual({ a: 'OUTGOING', b: 'INCOMING', rows: 2 });
  });

  it('accepts a crossing request: asking someone who already asked the viewer makes both sides ACCEPTED', async () => {
    const { sender, recipient } = await pending();
    const result = await send(recipient, sender.id);
    expect(result.errors).toBeUndefined();
    expect(result.data?.sendFriendRequest).toMatchObject({ status: 'ACCEPTED', user: { id: sender.id } });
    expect(await statuses(sender, recipient)).toEqual({ a: 'ACCEPTED', b: 'ACCEPTED', rows: 2 });
  });

  it('makes two users who ask each other at the same moment friends, without errors or duplicate rows', async () => {
    for (let round = 0; round < 5; round += 1) {
      const [alice, bob] = await twoUsers();
      const results = await Promise.all([send(alice, bob.id), send(bob, alice.id)]);
      expect(results.map((result) => result.errors)).toEqual([undefined, undefined]);
      expect(results.map((result) => result.data?.sendFriendRequest.status)).toContain('ACCEPTED');
      expect(await statuses(alice, bob)).toEqual({ a: 'ACCEPTED', b: 'ACCEPTED', rows: 2 });
    }
  });

  it.each([
    ['a user id that does not exist', UNKNOWN_ID],
    ['a user id that is not even uuid-shaped', 'no-such-user'],
  ])('refuses %s as NOT_FOUND, changing nothing', async (_, userId) => {
    const [alice] = await twoUsers();
    const before = await allRows();
    expectError(await send(alice, userId), 'NOT_FOUND');
    expect(await allRows()).toEqual(before);
  });

  it("refuses the viewer's own id as BAD_USER_INPUT naming userId, changing nothing", async () => {
    const [alice] = await twoUsers();
    const before = await allRows();
    expectError(await send(alice, alice.id), 'BAD_USER_INPUT', 'userId');
    expect(await allRows()).toEqual(before);
  });

  it('refuses a second request to the same user as CONFLICT, changing nothing', async () => {
    const { sender, recipient } = await pending();
    const before = await allRows();
    expectError(await send(sender, recipient.id), 'CONFLICT');
    expect(await allRows()).toEqual(before);
  });

  it('refuses a request to a friend as CONFLICT, from either side, changing nothing', async () => {
    const [alice, bob] = await friends();
    const before = await allRows();
    expectError(await send(alice, bob.id), 'CONFLICT');
    expectError(await send(bob, alice.id), 'CONFLICT');
    expect(await allRows()).toEqual(before);
  });

  it('refuses a request to a user the viewer blocked as CONFLICT, asking to unblock first', async () => {
    const [alice, bob] = await twoUsers();
    expect((await block(alice, bob.id)).errors).toBeUndefined();
    const before = await allRows();
    const result = await send(alice, bob.id);
    expectError(result, 'CONFLICT');
    expect(result.errors?.[0]?.message).toBe('Unblock this user first.');
    expect(await allRows()).toEqual(before);
  });

  it('refuses a request to a user who blocked the viewer as CONFLICT, changing nothing', async () => {
    const [alice, bob] = await twoUsers();
    expect((await block(bob, alice.id)).errors).toBeUndefined();
    const before = await allRows();
    const result = await send(alice, bob.id);
    expectError(result, 'CONFLICT');
    expect(result.errors?.[0]?.message).toMatch(/does not accept friend requests from you/);
    expect(await allRows()).toEqual(before);
  });
});

describe('respondToFriendRequest', () => {
  it("accepting makes both sides ACCEPTED and returns the viewer's side", async () => {
    const { sender, recipient, requestId } = await pending();
    const result = await respond(recipient, requestId, true);
    expect(result.errors).toBeUndefined();
    expect(result.data?.respondToFriendRequest).toMatchObject({ id: requestId, status: 'ACCEPTED', user: { id: sender.id } });
    expect(await statuses(sender, recipient)).toEqual({ a: 'ACCEPTED', b: 'ACCEPTED', rows: 2 });
  });

  it('declining deletes both rows and returns null', async () => {
    const { sender, recipient, requestId } = await pending();
    const result = await respond(recipient, requestId, false);
    expect(result.errors).toBeUndefined();
    expect(result.data?.respondToFriendRequest).toBeNull();
    expect(await statuses(sender, recipient)).toEqual({ a: null, b: null, rows: 0 });
  });

  it('lets the sender ask again after a decline', async () => {
    const { sender, recipient, requestId } = await pending();
    await respond(recipient, requestId, false);
    expect((await send(sender, recipient.id)).data?.sendFriendRequest.status).toBe('OUTGOING');
  });

  it.each([true, false])("refuses someone else's request as NOT_FOUND, changing nothing (accept: %s)", async (accept) => {
    const { requestId } = await pending();
    const [stranger] = await twoUsers();
    const before = await allRows();
    expectError(await respond(stranger, requestId, accept), 'NOT_FOUND');
    expect(await allRows()).toEqual(before);
  });

  it.each([true, false])("refuses the sender's own OUTGOING row as NOT_FOUND, changing nothing (accept: %s)", async (accept) => {
    const { sender } = await pending();
    const outgoing = await server.request(FriendshipsDocument, { status: 'OUTGOING' }, { token: sender.accessToken });
    const before = await allRows();
    expectError(await respond(sender, outgoing.data!.friendships.nodes[0]!.id, accept), 'NOT_FOUND');
    expect(await allRows()).toEqual(before);
  });

  it('refuses a request that was already answered as NOT_FOUND', async () => {
    const { recipient, requestId } = await pending();
    await respond(recipient, requestId, true);
    const before = await allRows();
    expectError(await respond(recipient, requestId, true), 'NOT_FOUND');
    expectError(await respond(recipient, requestId, false), 'NOT_FOUND');
    expect(await allRows()).toEqual(before);
  });

  it('refuses a BLOCKED row and an unknown id as NOT_FOUND', async () => {
    const [alice, bob] = await twoUsers();
    const blocked = await block(alice, bob.id);
    expectError(await respond(alice, blocked.data!.blockUser.id, true), 'NOT_FOUND');
    expectError(await respond(alice, UNKNOWN_ID, true), 'NOT_FOUND');
    expectError(await respond(alice, 'not-an-id', false), 'NOT_FOUND');
    expect(await statuses(alice, bob)).toEqual({ a: 'BLOCKED', b: null, rows: 1 });
  });
});

describe('removeFriend', () => {
  it('ends a friendship, from either side, deleting both rows', async () => {
    const [alice, bob] = await friends();
    expect((await remove(bob, alice.id)).data?.removeFriend).toBe(true);
    expect(await statuses(alice, bob)).toEqual({ a: null, b: null, rows: 0 });
    expect((await remove(alice, bob.id)).data?.removeFriend).toBe(false);
  });

  it('lets the sender withdraw a pending request', async () => {
    const { sender, recipient } = await pending();
    expect((await remove(sender, recipient.id)).data?.removeFriend).toBe(true);
    expect(await statuses(sender, recipient)).toEqual({ a: null, b: null, rows: 0 });
  });

  it('lets the recipient decline a pending request', async () => {
    const { sender, recipient } = await pending();
    expect((await remove(recipient, sender.id)).data?.removeFriend).toBe(true);
    expect(await statuses(sender, recipient)).toEqual({ a: null, b: null, rows: 0 });
  });

  it.each([
    ['a stranger', async () => (await twoUsers())[0].id],
    ['an unknown id', async () => UNKNOWN_ID],
    ['the viewer themself', async () => null],
  ])('returns false for %s, changing nothing', async (_, target) => {
    const [alice] = await twoUsers();
    const before = await allRows();
    const result = await remove(alice, (await target()) ?? alice.id);
    expect(result.errors).toBeUndefined();
    expect(result.data?.removeFriend).toBe(false);
    expect(await allRows()).toEqual(before);
  });
});

describe('without an access token', () => {
  it('refuses every friendship operation as UNAUTHENTICATED', async () => {
    const { sender, requestId } = await pending();
    const results = [
      await server.request(FriendshipsDocument, {}),
      await server.request(SendFriendRequestDocument, { userId: sender.id }),
      await server.request(RespondToFriendRequestDocument, { friendshipId: requestId, accept: true }),
      await server.request(RemoveFriendDocument, { userId: sender.id }),
      await server.request(BlockUserDocument, { userId: sender.id }),
      await server.request(UnblockUserDocument, { userId: sender.id }),
    ];
    for (const result of results) expectError(result, 'UNAUTHENTICATED');
  });
});
