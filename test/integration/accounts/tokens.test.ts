import { decodeJwt, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogInDocument, LogOutDocument, MeDocument } from '../../generated/graphql';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../../helpers/server';

let server: TestServer;
let user: TestUser;
let other: TestUser;
/** The claims of a real access token of `user`: iss, aud, sub, sid, iat, exp. */
let claims: JWTPayload;

beforeAll(async () => {
  server = await startTestServer();
  user = await signUpUser(server);
  other = await signUpUser(server);
  claims = decodeJwt(user.accessToken);
});
afterAll(() => server.close());

const rightSecret = new TextEncoder().encode(TEST_JWT_SECRET);
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token with the real claims, changed by `changes` (undefined removes a claim), signed as asked. */
function forge(changes: JWTPayload = {}, options: { alg?: string; secret?: Uint8Array } = {}): Promise<string> {
  const payload = Object.fromEntries(Object.entries({ ...claims, ...changes }).filter(([, value]) => value !== undefined));
  return new SignJWT(payload).setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' }).sign(options.secret ?? rightSecret);
}

async function me(headers?: Record<string, string>) {
  return server.request(MeDocument, {}, headers ? { headers } : {});
}

async function expectRefused(headers: Record<string, string> | undefined, message?: RegExp): Promise<void> {
  const result = await me(headers);
  expect(result.data ?? null).toBeNull();
  expect(result.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  if (message) expect(result.errors?.[0]?.message).toMatch(message);
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('access tokens', () => {
  it('accepts the real token, and one re-signed with the same claims and secret', async () => {
    expect((await me(bearer(user.accessToken))).data?.me.id).toBe(user.id);
    expect((await me(bearer(await forge()))).data?.me.id).toBe(user.id);
  });

  it('refuses a request without an Authorization header', async () => {
    await expectRefused(undefined);
  });

  it.each(['garbage', 'a.b.c', '', 'eyJhbGciOiJIUzI1NiJ9..'])('refuses "Bearer %s"', async (token) => {
    await expectRefused({ authorization: `Bearer ${token}` });
  });

  it('refuses a token sent without the Bearer scheme', async () => {
    await expectRefused({ authorization: user.accessToken });
    await expectRefused({ authorization: `Token ${user.accessToken}` });
    await expectRefused({ authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}` });
  });

  it('refuses a token signed with another secret', async () => {
    const token = await forge({}, { secret: new TextEncoder().encode('another-secret-that-is-long-enough-for-hs256-xyz') });
    await expectRefused(bearer(token), /invalid/i);
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
    await expectRefused(bearer(unsigned));
  });

  it.each(['HS384', 'HS512'])('refuses a token signed %s with the right secret (HS256 only)', async (alg) => {
    await expectRefused(bearer(await forge({}, { alg })));
  });

  it('refuses a token from another issuer', async () => {
    await expectRefused(bearer(await forge({ iss: 'not-parley' })));
  });

  it('refuses a token for another audience', async () => {
    await expectRefused(bearer(await forge({ aud: 'another-api' })));
  });

  it('refuses an expired token, saying it expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(bearer(await forge({ iat: now - 120, exp: now - 60 })), /expire/i);
  });

  it('refuses a token that worked a moment ago once it expires (remembered tokens expire too)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = bearer(await forge({ iat: now, exp: now + 2 }));
    expect((await me(token)).data?.me?.id).toBe(user.id);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await expectRefused(token, /expire/i);
  });

  it('refuses a token without a session id', async () => {
    await expectRefused(bearer(await forge({ sid: undefined })));
  });

  it('refuses a token without a subject', async () => {
    await expectRefused(bearer(await forge({ sub: undefined })));
  });

  it('refuses a well-signed token whose session does not exist', async () => {
    await expectRefused(bearer(await forge({ sid: '01900000-0000-7000-8000-000000000000' })));
  });

  it("refuses a well-signed token whose subject is not its session's user", async () => {
    await expectRefused(bearer(await forge({ sub: other.id })));
  });

  it('stops accepting the access token of a session as soon as it is logged out', async () => {
    const login = await server.request(LogInDocument, { input: { login: user.username, password: user.password } });
    const { accessToken, refreshToken } = login.data!.logIn;
    expect((await me(bearer(accessToken))).data?.me.id).toBe(user.id);
    const loggedOut = await server.request(LogOutDocument, { refreshToken }, { token: accessToken });
    expect(loggedOut.data?.logOut).toBe(true);
    await expectRefused(bearer(accessToken));
    expect((await me(bearer(user.accessToken))).data?.me.id).toBe(user.id);
  });
});
