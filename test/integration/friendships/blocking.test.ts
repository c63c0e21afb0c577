import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BlockUserDocument,
  FriendshipsDocument,
  RemoveFriendDocument,
  RespondToFriendRequestDocument,
  SendFriendRequestDocument,
  UnblockUserDocument,
  UserFriendshipDocument,
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
const block = (viewer: TestUser, userId: string) => server.request(BlockUserDocument, { userId }, { token: viewer.accessToken });
const unblock = (viewer: TestUser, userId: string) => server.request(UnblockUserDocument, { userId }, { token: viewer.accessToken });
const remove = (viewer: TestUser, userId: string) => server.request(RemoveFriendDocument, { userId }, { token: viewer.accessToken });
const userAsSeenBy = async (viewer: TestUser, user: TestUser) =>
  (await server.request(UserFriendshipDocument, { id: user.id }, { token: viewer.accessToken })).data?.user;
const friendshipsOf = async (viewer: TestUser, status?: 'BLOCKED' | 'ACCEPTED') =>
  (await server.request(FriendshipsDocument, { status, first: 100 }, { token: viewer.accessToken })).data!.friendships.nodes;

/** Each user's row about the other: their status, or null when there is none. */
async function statuses(a: TestUser, b: TestUser): Promise<{ a: string | null; b: string | null; rows: number }> {
  const rows = await server.parley.database.prisma.friendship.findMany({
    where: { OR: [{ userId: a.id, otherUserId: b.id }, { userId: b.id, otherUserId: a.id }] },
    select: { userId: true, status: true },
  });
  const of = (user: TestUser) => rows.find((row) => row.userId === user.id)?.status ?? null;
  return { a: of(a), b: of(b), rows: rows.length };
}

const allRows = () => server.parley.database.prisma.friendship.findMany({ orderBy: { id: 'asc' } });

function expectError(result: GraphQLResponse<object>, code: string, field?: string): void {
  expect(Object.values(result.data ?? {}).filter((value) => value !== null)).toEqual([]);
  expect(result.errors?.[0]?.extensions).toMatchObject({ code, ...(field ? { field } : {}) });
}

const twoUsers = (): Promise<[TestUser, TestUser]> => Promise.all([signUpUser(server), signUpUser(server)]);

async function friends(): Promise<[TestUser, TestUser]> {
  const [alice, bob] = await twoUsers();
  await send(alice, bob.id);
  await send(bob, alice.id);
  expect(await statuses(alice, bob)).toEqual({ a: 'ACCEPTED', b: 'ACCEPTED', rows: 2 });
  return [alice, bob];
}

describe('blockUser', () => {
  it("ends a friendship: the blocker's row becomes BLOCKED and the other user's row goes", async () => {
    const [alice, bob] = await friends();
    const result = await block(alice, bob.id);
    expect(result.errors).toBeUndefined();
    expect(result.data?.blockUser).toMatchObject({ status: 'BLOCKED', user: { id: bob.id } });
    expect(await statuses(alice, bob)).toEqual({ a: 'BLOCKED', b: null, rows: 1 });
    expect(await friendshipsOf(bob)).toEqual([]);
  });

  it.each([
    ['the viewer sent', (viewer: TestUser, other: TestUser) => send(viewer, other.id)],
    ['the viewer received', (viewer: TestUser, other: TestUser) => send(other, viewer.id)],
  ])('ends a pending request %s', async (_, request) => {
    const [alice, bob] = await twoUsers();
    await request(alice, bob);
    expect((await block(alice, bob.id)).data?.blockUser.status).toBe('BLOCKED');
    expect(await statuses(alice, bob)).toEqual({ a: 'BLOCKED', b: null, rows: 1 });
  });

  it('makes the pending request unanswerable for the blocker', async () => {
    const [alice, bob] = await twoUsers();
    await send(bob, alice.id);
    const [incoming] = await friendshipsOf(alice);
    await block(alice, bob.id);
    const result = await server.request(RespondToFriendRequestDocument, { friendshipId: incoming!.id, accept: true }, { token: alice.accessToken });
    expectError(result, 'NOT_FOUND');
    expect(await statuses(alice, bob)).toEqual({ a: 'BLOCKED', b: null, rows: 1 });
  });

  it('is idempotent: blocking again returns the same row and changes nothing', async () => {
    const [alice, bob] = await twoUsers();
    const first = await block(alice, bob.id);
    const before = await allRows();
    const second = await block(alice, bob.id);
    expect(second.errors).toBeUndefined();
    expect(second.data?.blockUser).toEqual(first.data?.blockUser);
    expect(await allRows()).toEqual(before);
  });

  it("keeps the other user's block when both block each other", async () => {
    const [alice, bob] = await twoUsers();
    await block(alice, bob.id);
    expect((await block(bob, alice.id)).data?.blockUser.status).toBe('BLOCKED');
    expect(await statuses(alice, bob)).toEqual({ a: 'BLOCKED', b: 'BLOCKED', rows: 2 });
  });

  it.each([
    ['a user id that does not exist', UNKNOWN_ID],
    ['a user id that is not even uuid-shaped', 'no-such-user'],
  ])('refuses %s as NOT_FOUND, changing nothing', async (_, userId) => {
    const [alice] = await twoUsers();
    const before = await allRows();
    expectError(await block(alice, userId), 'NOT_FOUND');
    expect(await allRows()).toEqual(before);
  });

  it("refuses the viewer's own id as BAD_USER_INPUT naming userId, changing nothing", async () => {
    const [alice] = await twoUsers();
    const before = await allRows();
    expectError(await block(alice, alice.id), 'BAD_USER_INPUT', 'userId');
    expect(await allRows()).toEqual(before);
  });
});

describe('what a block means', () => {
  it('stops the blocked user from sending friend requests', async () => {
    const [alice, bob] = await twoUsers();
    await block(alice, bob.id);
    const before = await allRows();
    expectError(await send(bob, alice.id), 'CONFLICT');
    expect(await allRows()).toEqual(before);
  });

  it('shows the block to the blocker in friendships(status: BLOCKED) and in User.friendship', async () => {
    const [alice, bob] = await twoUsers();
    const blocked = (await block(alice, bob.id)).data!.blockUser;
    expect(await friendshipsOf(alice, 'BLOCKED')).toEqual([blocked]);
    expect(await friendshipsOf(alice, 'ACCEPTED')).toEqual([]);
    expect((await userAsSeenBy(alice, bob))?.friendship).toEqual(blocked);
  });

  it("shows the blocked user no relationship, but still the blocker's profile", async () => {
    const [alice, bob] = await twoUsers();
    await block(alice, bob.id);
    expect(await userAsSeenBy(bob, alice)).toEqual({ id: alice.id, username: alice.username, friendship: null });
    expect(await friendshipsOf(bob)).toEqual([]);
  });

  it('is not undone by removeFriend from either side', async () => {
    const [alice, bob] = await twoUsers();
    await block(alice, bob.id);
    expect((await remove(alice, bob.id)).data?.removeFriend).toBe(false);
    expect((await remove(bob, alice.id)).data?.removeFriend).toBe(false);
    expect(await statuses(alice, bob)).toEqual({ a: 'BLOCKED', b: null, rows: 1 });
  });
});

describe('unblockUser', () => {
  it("deletes the viewer's block and lets both send requests again", async () => {
    const [alice, bob] = await twoUsers();
    await block(alice, bob.id);
    expect((await unblock(alice, bob.id)).data?.unblockUser).toBe(true);
    expect(await statuses(alice, bob)).toEqual({ a: null, b: null, rows: 0 });
    expect((await userAsSeenBy(alice, bob))?.friendship).toBeNull();
    expect((await send(bob, alice.id)).data?.sendFriendRequest.status).toBe('OUTGOING');
  });

  it('does not restore the friendship the block ended', async () => {
    const [alice, bob] = await friends();
    await block(alice, bob.id);
    await unblock(alice, bob.id);
    expect(await statuses(alice, bob)).toEqual({ a: null, b: null, rows: 0 });
  });

  it("leaves the other user's block in place", async () => {
    const [alice, bob] = await twoUsers();
    await block(alice, bob.id);
    await block(bob, alice.id);
    expect((await unblock(alice, bob.id)).data?.unblockUser).toBe(true);
    expect(await statuses(alice, bob)).toEqual({ a: null, b: 'BLOCKED', rows: 1 });
    expectError(await send(alice, bob.id), 'CONFLICT');
  });

  it.each([
    ['a stranger', async () => (await signUpUser(server)).id],
    ['an unknown id', async () => UNKNOWN_ID],
    ['a friend', async (alice: TestUser, bob: TestUser) => (await send(alice, bob.id), await send(bob, alice.id), bob.id)],
    ['a user who blocked the viewer', async (alice: TestUser, bob: TestUser) => (await block(bob, alice.id), bob.id)],
  ])('returns false for %s, changing nothing', async (_, target) => {
    const [alice, bob] = await twoUsers();
    const userId = await target(alice, bob);
    const before = await allRows();
    const result = await unblock(alice, userId);
    expect(result.errors).toBeUndefined();
    expect(result.data?.unblockUser).toBe(false);
    expect(await allRows()).toEqual(before);
  });
});
