import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeDocument, UpdateProfileDocument, type UpdateProfileInput, UserDocument, UsersDocument, type UsersQueryVariables } from '../../generated/graphql';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';

let server: TestServer;
let viewer: TestUser;
let other: TestUser;
beforeAll(async () => {
  server = await startTestServer();
  viewer = await signUpUser(server);
  other = await signUpUser(server, { displayName: 'Grace Hopper' });
});
afterAll(() => server.close());

/** A search text no other test's users contain: lower-case letters and digits. */
const uniqueToken = () => `t${randomBytes(4).toString('hex')}`;

const search = (variables: UsersQueryVariables, token = viewer.accessToken) => server.request(UsersDocument, variables, { token });

async function searchUsernames(text: string): Promise<string[]> {
  const result = await search({ search: text, first: 100 });
  expect(result.errors).toBeUndefined();
  return result.data!.users.nodes.map((node) => node.username).sort();
}

describe('me and user', () => {
  it('returns the viewer, with their email', async () => {
    const result = await server.request(MeDocument, {}, { token: viewer.accessToken });
    expect(result.data?.me).toMatchObject({ id: viewer.id, username: viewer.username, email: viewer.email });
  });

  it('finds another user by id, without their email', async () => {
    const result = await server.request(UserDocument, { id: other.id }, { token: viewer.accessToken });
    expect(result.data?.user).toMatchObject({ id: other.id, username: other.username, displayName: 'Grace Hopper', email: null });
  });

  it('finds another user by username ignoring case, without their email', async () => {
    const result = await server.request(UserDocument, { username: other.username.toUpperCase() }, { token: viewer.accessToken });
    expect(result.data?.user).toMatchObject({ id: other.id, username: other.username, email: null });
  });

  it.each([
    ['id', { id: '01900000-0000-7000-8000-000000000000' }],
    ['id that is not even uuid-shaped', { id: 'no-such-user' }],
    ['username', { username: 'nosuchuser' }],
  ])('returns null for an unknown %s', async (_, variables) => {
    const result = await server.request(UserDocument, variables, { token: viewer.accessToken });
    expect(result.errors).toBeUndefined();
    expect(result.data?.user).toBeNull();
  });

  it.each([
    ['both id and username', () => ({ id: other.id, username: other.username })],
    ['neither id nor username', () => ({})],
  ])('refuses %s as BAD_USER_INPUT', async (_, variables) => {
    const result = await server.request(UserDocument, variables(), { token: viewer.accessToken });
    expect(result.data?.user ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses me, user, users and updateProfile without an access token', async () => {
    const results = [
      await server.request(MeDocument, {}),
      await server.request(UserDocument, { id: other.id }),
      await server.request(UsersDocument, { search: other.username }),
      await server.request(UpdateProfileDocument, { input: { bio: 'hacked' } }),
    ];
    for (const result of results) {
      expect(Object.values(result.data ?? {}).filter((value) => value !== null)).toEqual([]);
      expect(result.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('users search', () => {
  it('matches text contained in the username or the display name, ignoring case', async () => {
    const token = uniqueToken();
    const byName = await signUpUser(server, { username: `aa${token}zz` });
    const byDisplayName = await signUpUser(server, { displayName: `Dr ${token.toUpperCase()} Who` });
    await signUpUser(server, { displayName: `${token.slice(0, 4)} ${token.slice(4)}` });
    expect(await searchUsernames(token.toUpperCase())).toEqual([byName.username, byDisplayName.username].sort());
  });

  it("treats '_' in the search text literally, not as a wildcard", async () => {
    const token = uniqueToken();
    const underscored = await signUpUser(server, { username: `${token}_u1` });
    await signUpUser(server, { username: `${token}xu2` });
    await signUpUser(server, { displayName: `${token}Yu3` });
    expect(await searchUsernames(`${token}_u`)).toEqual([underscored.username]);
  });

  it("treats '%' in the search text literally, not as a wildcard", async () => {
    const token = uniqueToken();
    const percent = await signUpUser(server, { displayName: `${token}% off` });
    await signUpUser(server, { displayName: `${token} 50 off` });
    await signUpUser(server, { username: `${token}5off` });
    expect(await searchUsernames(`${token}% off`)).toEqual([percent.username]);
    expect(await searchUsernames(`${token}%`)).toEqual([percent.username]);
  });

  it("shows the viewer's own email in results and nobody else's", async () => {
    const token = uniqueToken();
    const me = await signUpUser(server, { username: `${token}me` });
    const them = await signUpUser(server, { username: `${token}them` });
    const result = await search({ search: token }, me.accessToken);
    const emails = Object.fromEntries(result.data!.users.nodes.map((node) => [node.id, node.email]));
    expect(emails).toEqual({ [me.id]: me.email, [them.id]: null });
  });

  describe('paging', () => {
    const token = uniqueToken();
    const created: string[] = [];
    beforeAll(async () => {
      for (let index = 0; index < 25; index += 1) created.push((await signUpUser(server, { displayName: `Pager ${token} ${index}` })).id);
    });

    it('returns 20 matches by default, saying there are more', async () => {
      const result = await search({ search: token });
      const { nodes, edges, pageInfo } = result.data!.users;
      expect(nodes).toHaveLength(20);
      expect(pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, startCursor: edges[0]!.cursor, endCursor: edges[19]!.cursor });
    });

    it('walks through every match with first/after, skipping and repeating none', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 10; page += 1) {
        const result = await search({ search: token, first: 7, after });
        expect(result.errors).toBeUndefined();
        const { edges, pageInfo } = result.data!.users;
        seen.push(...edges.map((edge) => edge.node.id));
        expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
        expect(pageInfo.hasNextPage).toBe(seen.length < 25);
        if (!pageInfo.hasNextPage) break;
        after = pageInfo.endCursor;
      }
      expect(seen).toHaveLength(25);
      expect(new Set(seen)).toEqual(new Set(created));
    });

    it.each([
      ['first: 101', { first: 101 }, 'first'],
      ['first: -1', { first: -1 }, 'first'],
      ['a malformed after cursor', { after: 'not a cursor!' }, 'after'],
      ['an after cursor of the wrong shape', { after: Buffer.from('{"id":1}').toString('base64url') }, 'after'],
    ])('refuses %s as BAD_USER_INPUT naming the argument', async (_, variables, field) => {
      const result = await search({ search: token, ...variables });
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    });
  });
});

describe('updateProfile', () => {
  const update = (user: TestUser, input: UpdateProfileInput) => server.request(UpdateProfileDocument, { input }, { token: user.accessToken });
  const profileOf = async (user: TestUser) => {
    const { displayName, bio, avatarUrl } = (await server.request(MeDocument, {}, { token: user.accessToken })).data!.me;
    return { displayName, bio, avatarUrl };
  };
  const FULL = { displayName: 'Ada', bio: 'Counts things.', avatarUrl: 'https://example.com/ada.png' };

  async function userWithFullProfile(): Promise<TestUser> {
    const user = await signUpUser(server);
    expect((await update(user, FULL)).errors).toBeUndefined();
    return user;
  }

  it('sets the display name and bio, trimmed, and returns the viewer', async () => {
    const user = await signUpUser(server);
    const result = await update(user, { displayName: '  Ada Lovelace ', bio: '\n First programmer.  ' });
    expect(result.data?.updateProfile).toMatchObject({ id: user.id, email: user.email, displayName: 'Ada Lovelace', bio: 'First programmer.' });
    expect(await profileOf(user)).toEqual({ displayName: 'Ada Lovelace', bio: 'First programmer.', avatarUrl: null });
  });

  it('sets the avatar URL, trimmed', async () => {
    const user = await signUpUser(server);
    const result = await update(user, { avatarUrl: '  https://cdn.example.com/a/ada.png?size=64  ' });
    expect(result.errors?.[0]).toBeUndefined();
    expect((await profileOf(user)).avatarUrl).toBe('https://cdn.example.com/a/ada.png?size=64');
  });

  it('leaves omitted fields unchanged', async () => {
    const user = await userWithFullProfile();
    expect((await update(user, { bio: 'Still counting.' })).errors).toBeUndefined();
    expect(await profileOf(user)).toEqual({ ...FULL, bio: 'Still counting.' });
  });

  it('clears a field given as null', async () => {
    const user = await userWithFullProfile();
    expect((await update(user, { displayName: null, avatarUrl: null })).errors).toBeUndefined();
    expect(await profileOf(user)).toEqual({ displayName: null, bio: FULL.bio, avatarUrl: null });
  });

  it('clears a field given as blank', async () => {
    const user = await userWithFullProfile();
    expect((await update(user, { displayName: '   ', bio: '\n\t' })).errors).toBeUndefined();
    expect(await profileOf(user)).toEqual({ displayName: null, bio: null, avatarUrl: FULL.avatarUrl });
  });

  it.each([
    ['a display name over 64 characters', { displayName: 'd'.repeat(65) }, 'displayName'],
    ['a bio over 500 characters', { bio: 'b'.repeat(501) }, 'bio'],
    ['a javascript: avatar URL', { avatarUrl: 'javascript:alert(1)' }, 'avatarUrl'],
    ['an ftp avatar URL', { avatarUrl: 'ftp://x' }, 'avatarUrl'],
    ['an avatar URL that is not a URL', { avatarUrl: 'not a url' }, 'avatarUrl'],
  ])('refuses %s as BAD_USER_INPUT naming the field, storing nothing', async (_, invalid, field) => {
    const user = await userWithFullProfile();
    const valid = { displayName: 'Changed', bio: 'Changed too.', avatarUrl: 'https://example.com/changed.png' };
    const result = await update(user, { ...valid, ...invalid });
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await profileOf(user)).toEqual(FULL);
  });
});
