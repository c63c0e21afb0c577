import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeDocument, SignUpDocument, type SignUpInput } from '../../generated/graphql';
import { GOOD_PASSWORD, signUpUser, uniqueUsername } from '../../helpers/factories';
import { postGraphQL, startTestServer, type TestServer } from '../../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function input(overrides: Partial<SignUpInput> = {}): SignUpInput {
  const username = uniqueUsername();
  return { username, email: `${username}@example.com`, password: GOOD_PASSWORD, ...overrides };
}

const countUsers = () => server.parley.database.prisma.user.count();

describe('signUp', () => {
  it('creates the account and signs it in, showing the email to its owner', async () => {
    const values = input({ displayName: '  Ada Lovelace  ' });
    const result = await server.request(SignUpDocument, { input: values });
    expect(result.errors).toBeUndefined();
    const payload = result.data!.signUp;
    expect(payload.user).toMatchObject({ username: values.username, email: values.email, displayName: 'Ada Lovelace' });
    expect(new Date(payload.accessTokenExpiresAt).getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    expect(new Date(payload.refreshTokenExpiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const me = await server.request(MeDocument, {}, { token: payload.accessToken });
    expect(me.data?.me.id).toBe(payload.user.id);
  });

  it('stores a bcrypt hash, never the password', async () => {
    const values = input();
    await server.request(SignUpDocument, { input: values });
    const row = await server.parley.database.prisma.user.findUniqueOrThrow({ where: { usernameKey: values.username.toLowerCase() } });
    expect(row.passwordHash).toMatch(/^\$2[aby]\$1\d\$/);
    expect(row.passwordHash).not.toContain(values.password);
  });

  it.each([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(33)],
    ['a space', 'ada lovelace'],
    ['a dash', 'ada-lovelace'],
    ['non-ASCII letters', 'adélovelace'],
    ['an @', 'ada@home'],
  ])('refuses a username with %s', async (_, username) => {
    const before = await countUsers();
    const result = await server.request(SignUpDocument, { input: input({ username }) });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'username' });
    expect(await countUsers()).toBe(before);
  });

  it('accepts usernames with dots, underscores and digits at both length limits', async () => {
    for (const username of [`a_${uniqueUsername()}`.slice(0, 32), `x.${Date.now() % 10}`]) {
      const result = await server.request(SignUpDocument, { input: input({ username, email: `${username}@example.com` }) });
      expect(result.errors).toBeUndefined();
    }
  });

  it('treats usernames that differ only in case as the same', async () => {
    const user = await signUpUser(server);
    const before = await countUsers();
    const result = await server.request(SignUpDocument, { input: input({ username: user.username.toUpperCase() }) });
    expect(result.errors?.[0]).toMatchObject({ message: 'That username is taken.', extensions: { code: 'CONFLICT', field: 'username' } });
    expect(await countUsers()).toBe(before);
  });

  it('treats emails that differ only in case as the same', async () => {
    const user = await signUpUser(server);
    const result = await server.request(SignUpDocument, { input: input({ email: user.email.toUpperCase() }) });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'email' });
  });

  it('lets exactly one of two simultaneous sign-ups with the same username through', async () => {
    const username = uniqueUsername();
    const results = await Promise.all(
      ['a', 'b'].map((suffix) => server.request(SignUpDocument, { input: input({ username, email: `${username}${suffix}@example.com` }) })),
    );
    expect(results.filter((result) => result.data).length).toBe(1);
    expect(results.find((result) => result.errors)?.errors?.[0]?.extensions.code).toBe('CONFLICT');
  });

  it.each(['not-an-email', 'a@', '@b.com', 'a b@c.com', `${'x'.repeat(250)}@example.com`])('refuses the email %s', async (email) => {
    const result = await server.request(SignUpDocument, { input: input({ email }) });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
  });

  it.each([
    ['shorter than 8 characters', 'x9!kq2'],
    ['longer than 128 characters', 'Zq7!'.repeat(33)],
    ['one of the most common passwords', 'password1'],
    ['a common password in other case', 'QWERTYUIOP'],
  ])('refuses a password %s', async (_, password) => {
    const before = await countUsers();
    const result = await server.request(SignUpDocument, { input: input({ password }) });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    expect(await countUsers()).toBe(before);
  });

  it('refuses a password equal to the username, ignoring case', async () => {
    const username = uniqueUsername('Secretive');
    const result = await server.request(SignUpDocument, { input: input({ username, password: username.toLowerCase() }) });
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'password' } });
    expect(result.errors?.[0]?.message).toMatch(/username/);
  });

  it('refuses a display name over 64 characters', async () => {
    const result = await server.request(SignUpDocument, { input: input({ displayName: 'd'.repeat(65) }) });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'displayName' });
  });

  it('names the field when a required one is missing or of the wrong type', async () => {
    const query = 'mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken } }';
    const missing = await postGraphQL(server.url, { query, variables: { input: { username: uniqueUsername(), email: 'a@b.co' } } });
    expect(missing.status).toBe(400);
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    const wrongType = await postGraphQL(server.url, { query, variables: { input: { ...input(), password: 12345678 } } });
    expect(wrongType.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
  });

  it('refuses an oversized username without storing anything', async () => {
    const before = await countUsers();
    const result = await server.request(SignUpDocument, { input: input({ username: 'u'.repeat(50_000) }) });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'username' });
    expect(await countUsers()).toBe(before);
  });
});
