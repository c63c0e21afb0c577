import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangePasswordDocument, LogInDocument, LogOutDocument, LogOutEverywhereDocument, MeDocument, RefreshSessionDocument, SessionsDocument } from '../../generated/graphql';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

const refresh = (refreshToken: string, on = server) => on.request(RefreshSessionDocument, { refreshToken });
const me = (accessToken: string, on = server) => on.request(MeDocument, {}, { token: accessToken });

/** A new session of `user`, as from another device. */
async function logIn(user: TestUser, headers: Record<string, string> = {}): Promise<Tokens> {
  const result = await server.request(LogInDocument, { input: { login: user.username, password: user.password } }, { headers });
  if (!result.data) throw new Error(`logIn failed: ${JSON.stringify(result.errors)}`);
  return result.data.logIn;
}

async function expectAccessWorks(user: TestUser, accessToken: string): Promise<void> {
  const result = await me(accessToken);
  expect(result.errors).toBeUndefined();
  expect(result.data?.me.id).toBe(user.id);
}

async function expectAccessRefused(accessToken: string, on = server): Promise<void> {
  const result = await me(accessToken, on);
  expect(result.data ?? null).toBeNull();
  expect(result.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
}

/** Uses up the refresh token and returns the next one. */
async function expectRefreshWorks(refreshToken: string, on = server): Promise<Tokens> {
  const result = await refresh(refreshToken, on);
  expect(result.errors).toBeUndefined();
  return result.data!.refreshSession;
}

async function expectRefreshRefused(refreshToken: string, on = server): Promise<void> {
  const result = await refresh(refreshToken, on);
  expect(result.data ?? null).toBeNull();
  expect(result.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
}

async function expectSessionEnded(tokens: Tokens): Promise<void> {
  await expectAccessRefused(tokens.accessToken);
  await expectRefreshRefused(tokens.refreshToken);
}

describe('refreshSession', () => {
  it('returns a new refresh token and a working access token for the same user', async () => {
    const user = await signUpUser(server);
    const next = await expectRefreshWorks(user.refreshToken);
    expect(next.refreshToken).not.toBe(user.refreshToken);
    expect(decodeJwt(next.accessToken).sid).toBe(decodeJwt(user.accessToken).sid);
    await expectAccessWorks(user, next.accessToken);
    const afterThat = await expectRefreshWorks(next.refreshToken);
    expect(afterThat.refreshToken).not.toBe(next.refreshToken);
  });

  it('refuses a rotated refresh token and then ends the whole session (reuse detection)', async () => {
    const user = await signUpUser(server);
    const next = await expectRefreshWorks(user.refreshToken);
    await expectRefreshRefused(user.refreshToken);
    await expectAccessRefused(next.accessToken);
    await expectRefreshRefused(next.refreshToken);
  });

  it('lets at most one of two simultaneous refreshes with the same token through, then ends the session', async () => {
    const user = await signUpUser(server);
    const results = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    const succeeded = results.filter((result) => result.data?.refreshSession);
    expect(succeeded.length).toBeLessThanOrEqual(1);
    expect(results.find((result) => result.errors)?.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    await expectAccessRefused(user.accessToken);
    for (const result of succeeded) await expectSessionEnded(result.data!.refreshSession);
  });

  it('refuses a garbage refresh token', async () => {
    await expectRefreshRefused('not-a-refresh-token');
    await expectRefreshRefused('');
  });
});

describe('logOut', () => {
  it('ends the session of the refresh token and leaves the user’s other sessions alone', async () => {
    const user = await signUpUser(server);
    const phone = await logIn(user);
    const result = await server.request(LogOutDocument, { refreshToken: phone.refreshToken }, { token: phone.accessToken });
    expect(result.data?.logOut).toBe(true);
    await expectSessionEnded(phone);
    await expectAccessWorks(user, user.accessToken);
    await expectRefreshWorks(user.refreshToken);
  });

  it("returns false for another user's refresh token and leaves their session alone", async () => {
    const [user, victim] = [await signUpUser(server), await signUpUser(server)];
    const result = await server.request(LogOutDocument, { refreshToken: victim.refreshToken }, { token: user.accessToken });
    expect(result.data?.logOut).toBe(false);
    await expectAccessWorks(victim, victim.accessToken);
    await expectRefreshWorks(victim.refreshToken);
  });

  it('requires an access token', async () => {
    const user = await signUpUser(server);
    const result = await server.request(LogOutDocument, { refreshToken: user.refreshToken });
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    await expectRefreshWorks(user.refreshToken);
  });
});

describe('logOutEverywhere', () => {
  it("ends every session of the viewer, the current one included, and no one else's", async () => {
    const [user, bystander] = [await signUpUser(server), await signUpUser(server)];
    const sessions = [{ accessToken: user.accessToken, refreshToken: user.refreshToken }, await logIn(user), await logIn(user)];
    const result = await server.request(LogOutEverywhereDocument, {}, { token: sessions[1]!.accessToken });
    expect(result.data?.logOutEverywhere).toBe(true);
    for (const tokens of sessions) await expectSessionEnded(tokens);
    await expectAccessWorks(bystander, bystander.accessToken);
    await expectRefreshWorks(bystander.refreshToken);
  });
});

describe('changePassword', () => {
  const NEW_PASSWORD = 'a brand new passphrase 42';
  const changePassword = (token: string, currentPassword: string, newPassword: string) =>
    server.request(ChangePasswordDocument, { currentPassword, newPassword }, { token });
  const logInWith = (login: string, password: string) => server.request(LogInDocument, { input: { login, password } });

  it('refuses a wrong current password and changes nothing', async () => {
    const user = await signUpUser(server);
    const phone = await logIn(user);
    const result = await changePassword(user.accessToken, 'not my password', NEW_PASSWORD);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currentPassword' });
    expect((await logInWith(user.username, user.password)).errors).toBeUndefined();
    expect((await logInWith(user.username, NEW_PASSWORD)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    await expectAccessWorks(user, phone.accessToken);
  });

  it.each([
    ['too short', () => 'x9!kq2'],
    ['too common', () => 'password1'],
    ['equal to the username', (user: TestUser) => user.username.toUpperCase()],
    ['equal to the current password', (user: TestUser) => user.password],
  ])('refuses a new password %s and changes nothing', async (_, newPassword) => {
    const user = await signUpUser(server);
    const phone = await logIn(user);
    const result = await changePassword(user.accessToken, user.password, newPassword(user));
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' });
    expect((await logInWith(user.username, user.password)).errors).toBeUndefined();
    await expectAccessWorks(user, phone.accessToken);
  });

  it('sets the new password and ends every other session, keeping the current one', async () => {
    const user = await signUpUser(server);
    const [phone, desktop] = [await logIn(user), await logIn(user)];
    const result = await changePassword(phone.accessToken, user.password, NEW_PASSWORD);
    expect(result.errors).toBeUndefined();
    expect(result.data?.changePassword).toBe(true);
    await expectAccessWorks(user, phone.accessToken);
    await expectSessionEnded(desktop);
    await expectSessionEnded(user);
    await expectRefreshWorks(phone.refreshToken);
    expect((await logInWith(user.username, user.password)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await logInWith(user.email, NEW_PASSWORD)).data?.logIn.user.id).toBe(user.id);
  });
});

describe('sessions', () => {
  it('lists the live sessions with their User-Agent, marking only the asking one as current', async () => {
    const user = await signUpUser(server);
    const phone = await logIn(user, { 'user-agent': 'ParleyPhone/2.0 (iOS 18)' });
    const desktop = await logIn(user, { 'user-agent': 'ParleyDesktop/3.1 (Linux)' });
    const gone = await logIn(user, { 'user-agent': 'ParleyWeb/1.0' });
    await server.request(LogOutDocument, { refreshToken: gone.refreshToken }, { token: gone.accessToken });

    const result = await server.request(SessionsDocument, {}, { token: phone.accessToken });
    expect(result.errors).toBeUndefined();
    const listed = result.data!.sessions;
    const sid = (tokens: Tokens) => decodeJwt(tokens.accessToken).sid;
    expect(listed.map((session) => session.id).sort()).toEqual([sid(user), sid(phone), sid(desktop)].sort());
    expect(listed.filter((session) => session.current).map((session) => session.id)).toEqual([sid(phone)]);
    expect(listed.find((session) => session.id === sid(phone))?.userAgent).toBe('ParleyPhone/2.0 (iOS 18)');
    expect(listed.find((session) => session.id === sid(desktop))?.userAgent).toBe('ParleyDesktop/3.1 (Linux)');
  });

  it("does not list another user's sessions", async () => {
    const [user, other] = [await signUpUser(server), await signUpUser(server)];
    await logIn(other);
    const result = await server.request(SessionsDocument, {}, { token: user.accessToken });
    expect(result.data?.sessions.map((session) => session.id)).toEqual([decodeJwt(user.accessToken).sid]);
  });
});

describe('token lifetimes', () => {
  let shortLived: TestServer;
  beforeAll(async () => {
    shortLived = await startTestServer({ env: { ACCESS_TOKEN_TTL: '1s', REFRESH_TOKEN_TTL: '1s' } });
  });
  afterAll(() => shortLived.close());

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('refuses a refresh token once its lifetime has passed', async () => {
    const user = await signUpUser(shortLived);
    const next = await expectRefreshWorks(user.refreshToken, shortLived);
    await pause(1_500);
    await expectRefreshRefused(next.refreshToken, shortLived);
  });

  it('refuses an access token once it has expired, saying so', async () => {
    const user = await signUpUser(shortLived);
    await pause(1_500);
    const result = await me(user.accessToken, shortLived);
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringMatching(/expire/i) });
  });
});
