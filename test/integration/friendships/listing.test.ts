import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FriendshipsDocument,
  type FriendshipsQuery,
  type FriendshipsQueryVariables,
  RespondToFriendRequestDocument,
  SendFriendRequestDocument,
  UserFriendshipDocument,
} from '../../generated/graphql';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const send = (from: TestUser, to: TestUser) => server.request(SendFriendRequestDocument, { userId: to.id }, { token: from.accessToken });
const list = (viewer: TestUser, variables: FriendshipsQueryVariables = {}) =>
  server.request(FriendshipsDocument, variables, { token: viewer.accessToken });
const userAsSeenBy = async (viewer: TestUser, user: TestUser) =>
  (await server.request(UserFriendshipDocument, { id: user.id }, { token: viewer.accessToken })).data?.user;

async function listIds(viewer: TestUser, variables: FriendshipsQueryVariables = {}): Promise<string[]> {
  const result = await list(viewer, { first: 100, ...variables });
  expect(result.errors).toBeUndefined();
  return result.data!.friendships.nodes.map((node) => node.user.id);
}

describe('friendships', () => {
  let viewer: TestUser;
  const outgoing: string[] = [];
  const incoming: string[] = [];
  beforeAll(async () => {
    viewer = await signUpUser(server);
    for (let index = 0; index < 25; index += 1) {
      const other = await signUpUser(server);
      if (index % 5 === 0) {
        await send(other, viewer);
        incoming.push(other.id);
      } else {
        await send(viewer, other);
        outgoing.push(other.id);
      }
    }
  });

  it("lists the viewer's relationships with the other user, most recently changed first", async () => {
    const result = await list(viewer, { first: 100 });
    expect(result.errors).toBeUndefined();
    const { nodes, pageInfo } = result.data!.friendships;
    expect(new Set(nodes.map((node) => node.user.id))).toEqual(new Set([...outgoing, ...incoming]));
    const times = nodes.map((node) => Date.parse(node.updatedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  });

  it('filters by status', async () => {
    expect(new Set(await listIds(viewer, { status: 'OUTGOING' }))).toEqual(new Set(outgoing));
    expect(new Set(await listIds(viewer, { status: 'INCOMING' }))).toEqual(new Set(incoming));
    expect(await listIds(viewer, { status: 'ACCEPTED' })).toEqual([]);
  });

  it('returns 20 by default, saying there are more', async () => {
    const { nodes, edges, pageInfo } = (await list(viewer)).data!.friendships;
    expect(nodes).toHaveLength(20);
    expect(pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, startCursor: edges[0]!.cursor, endCursor: edges[19]!.cursor });
  });

  it.each([
    ['every relationship', {}, 25],
    ['OUTGOING only', { status: 'OUTGOING' as const }, 20],
  ])('walks through %s with first/after, in order, skipping and repeating none', async (_, filter, total) => {
    const everything = await listIds(viewer, filter);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const result = await list(viewer, { ...filter, first: 6, after });
      expect(result.errors).toBeUndefined();
      const { edges, pageInfo } = result.data!.friendships;
      seen.push(...edges.map((edge) => edge.node.user.id));
      expect(pageInfo).toMatchObject({ hasNextPage: seen.length < total, hasPreviousPage: after !== null });
      expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toEqual(everything);
    expect(seen).toHaveLength(total);
  });

  it.each([
    ['first: 101', { first: 101 }, 'first'],
    ['first: -1', { first: -1 }, 'first'],
    ['a malformed after cursor', { after: 'not a cursor!' }, 'after'],
    ['an after cursor of the wrong shape', { after: Buffer.from('["x"]').toString('base64url') }, 'after'],
    ['an after cursor with a bad time', { after: Buffer.from('["yesterday","x"]').toString('base64url') }, 'after'],
  ])('refuses %s as BAD_USER_INPUT naming the argument', async (_, variables, field) => {
    const result = await list(viewer, variables);
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('moves an accepted request to the front', async () => {
    const oldest = incoming[0]!;
    const request = (await list(viewer, { status: 'INCOMING', first: 100 })).data!.friendships.nodes.find(
      (node) => node.user.id === oldest,
    )!;
    const accepted = await server.request(RespondToFriendRequestDocument, { friendshipId: request.id, accept: true }, { token: viewer.accessToken });
    expect(Date.parse(accepted.data!.respondToFriendRequest!.updatedAt)).toBeGreaterThan(Date.parse(request.updatedAt));
    expect((await listIds(viewer))[0]).toBe(oldest);
    expect(await listIds(viewer, { status: 'ACCEPTED' })).toEqual([oldest]);
  });
});

describe('friendships with equal updatedAt', () => {
  it('pages by id among rows changed at the same instant, skipping and repeating none', async () => {
    const viewer = await signUpUser(server);
    const others = await Promise.all(Array.from({ length: 7 }, () => signUpUser(server)));
    for (const other of others) await send(viewer, other);
    await server.parley.database.prisma.friendship.updateMany({
      where: { userId: viewer.id },
      data: { updatedAt: new Date('2026-01-01T00:00:00.000Z') },
    });
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: FriendshipsQuery['friendships'] = (await list(viewer, { first: 2, after })).data!.friendships;
      seen.push(...page.nodes.map((node) => node.user.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(await listIds(viewer));
    expect(new Set(seen)).toEqual(new Set(others.map((other) => other.id)));
  });
});

describe('User.friendship', () => {
  it('shows OUTGOING to the sender and INCOMING to the recipient, each pointing at the other', async () => {
    const [alice, bob] = await Promise.all([signUpUser(server), signUpUser(server)]);
    await send(alice, bob);
    expect((await userAsSeenBy(alice, bob))?.friendship).toMatchObject({ status: 'OUTGOING', user: { id: bob.id } });
    expect((await userAsSeenBy(bob, alice))?.friendship).toMatchObject({ status: 'INCOMING', user: { id: alice.id } });
  });

  it('shows ACCEPTED to both friends', async () => {
    const [alice, bob] = await Promise.all([signUpUser(server), signUpUser(server)]);
    await send(alice, bob);
    await send(bob, alice);
    expect((await userAsSeenBy(alice, bob))?.friendship?.status).toBe('ACCEPTED');
    expect((await userAsSeenBy(bob, alice))?.friendship?.status).toBe('ACCEPTED');
  });

  it('is null for strangers and on the viewer themself', async () => {
    const [alice, bob] = await Promise.all([signUpUser(server), signUpUser(server)]);
    expect((await userAsSeenBy(alice, bob))?.friendship).toBeNull();
    expect((await userAsSeenBy(alice, alice))?.friendship).toBeNull();
  });

  it('is the same row that friendships lists', async () => {
    const [alice, bob] = await Promise.all([signUpUser(server), signUpUser(server)]);
    const sent = (await send(alice, bob)).data!.sendFriendRequest;
    expect((await userAsSeenBy(alice, bob))?.friendship).toEqual(sent);
    expect((await list(alice)).data!.friendships.nodes).toEqual([sent]);
  });
});
