import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogInDocument, type LogInInput, MeDocument, RefreshSessionDocument, SessionsDocument } from '../../generated/graphql';
import { signUpUser, type TestUser, uniqueUsername } from '../../helpers/factories';
import { postGraphQL, startTestServer, type TestServer } from '../../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const logIn = (input: LogInInput) => server.request(LogInDocument, { input });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function elapsedMs(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** Logs in and checks that both returned tokens are accepted. */
async function expectWorkingLogIn(user: TestUser, login: string, password = user.password): Promise<void> {
  const result = await logIn({ login, password });
  expect(result.errors).toBeUndefined();
  const payload = result.data!.logIn;
  expect(payload.user).toMatchObject({ id: user.id, username: user.username, email: user.email });
  const me = await server.request(MeDocument, {}, { token: payload.accessToken });
  expect(me.data?.me.id).toBe(user.id);
  const refreshed = await server.request(RefreshSessionDocument, { refreshToken: payload.refreshToken });
  expect(refreshed.errors).toBeUndefined();
  expect(refreshed.data?.refreshSession.user.id).toBe(user.id);
}

describe('logIn', () => {
  it('logs in by username, ignoring case, and returns working tokens', async () => {
    const user = await signUpUser(server, { username: uniqueUsername('Ada') });
    await expectWorkingLogIn(user, user.username.toUpperCase());
    await expectWorkingLogIn(user, user.username.toLowerCase());
  });

  it('logs in by email, ignoring case, and returns working tokens', async () => {
    const user = await signUpUser(server);
    await expectWorkingLogIn(user, user.email.toUpperCase());
  });

  it('starts a new session on each logIn', async () => {
    const user = await signUpUser(server);
    const first = await logIn({ login: user.username, password: user.password });
    const second = await logIn({ login: user.email, password: user.password });
    const sessionIds = [user.accessToken, first.data!.logIn.accessToken, second.data!.logIn.accessToken].map((token) => decodeJwt(token).sid);
    expect(new Set(sessionIds).size).toBe(3);
    expect(second.data!.logIn.refreshToken).not.toBe(first.data!.logIn.refreshToken);
    const sessions = await server.request(SessionsDocument, {}, { token: second.data!.logIn.accessToken });
    expect(sessions.data?.sessions.map((session) => session.id).sort()).toEqual([...sessionIds].sort());
  });

  it('refuses a wrong password and an unknown login alike, with the same message', async () => {
    const user = await signUpUser(server);
    const wrongPassword = await logIn({ login: user.username, password: `${user.password}!` });
    const unknownLogin = await logIn({ login: uniqueUsername('nobody'), password: user.password });
    const unknownEmail = await logIn({ login: `${uniqueUsername('nobody')}@example.com`, password: user.password });
    for (const result of [wrongPassword, unknownLogin, unknownEmail]) {
      expect(result.data).toBeNull();
      expect(result.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    }
    expect(unknownLogin.errors?.[0]?.message).toBe(wrongPassword.errors?.[0]?.message);
    expect(unknownEmail.errors?.[0]?.message).toBe(wrongPassword.errors?.[0]?.message);
  });

  it('spends the same bcrypt work on an unknown login as on a wrong password', async () => {
    const user = await signUpUser(server);
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      wrong.push(await elapsedMs(() => logIn({ login: user.username, password: 'not the password at all' })));
      unknown.push(await elapsedMs(() => logIn({ login: uniqueUsername('ghost'), password: 'not the password at all' })));
    }
    expect(median(unknown)).toBeGreaterThanOrEqual(0.5 * median(wrong));
  });
});

describe('logIn with long passwords', () => {
  it("tells apart 100-character passwords that share their first 90 characters (past bcrypt's 72 bytes)", async () => {
    const password = `Lp9-${'abcdefghij'.repeat(9)}qrstuv`;
    expect(password).toHaveLength(100);
    const user = await signUpUser(server, { password });
    const lookalike = `${password.slice(0, 90)}${'Z'.repeat(10)}`;
    const refused = await logIn({ login: user.username, password: lookalike });
    expect(refused.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    await expectWorkingLogIn(user, user.username, password);
  });

  it('tells apart multi-byte passwords longer than 72 bytes that differ only in the last character', async () => {
    const password = '€'.repeat(40);
    expect(Buffer.byteLength(password, 'utf8')).toBe(120);
    const user = await signUpUser(server, { password });
    const refused = await logIn({ login: user.username, password: `${'€'.repeat(39)}£` });
    expect(refused.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    await expectWorkingLogIn(user, user.username, password);
  });
});

describe('logIn input', () => {
  const query = 'mutation ($input: LogInInput!) { logIn(input: $input) { accessToken } }';

  it.each([
    ['login', { password: 'whatever it is' }],
    ['password', { login: 'someone' }],
  ])('refuses a missing %s as BAD_USER_INPUT naming it', async (field, input) => {
    const result = await postGraphQL(server.url, { query, variables: { input } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it.each([
    ['an empty login', { login: '', password: 'whatever it is' }, 'login'],
    ['an oversized login', { login: `${'u'.repeat(300)}@example.com`, password: 'whatever it is' }, 'login'],
    ['an empty password', { login: 'someone', password: '' }, 'password'],
    ['an oversized password', { login: 'someone', password: 'p'.repeat(10_000) }, 'password'],
  ])('refuses %s as BAD_USER_INPUT naming the field', async (_, input, field) => {
    const result = await logIn(input);
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});
