import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecretToken } from '../../../src/auth/tokens';
import { GOOD_PASSWORD, signUpUser, type TestUser, uniqueUsername } from '../../helpers/factories';
import { MAIL_TRANSPORTS, type MailingServer, startMailingServer } from '../../helpers/mail';
import { whoAmI } from '../../helpers/revocations';
import type { TestServer } from '../../helpers/server';
import { delay, signedInClient, within } from '../../helpers/subscriptions';
import { LogInDocument, MyAccountDocument, RefreshSessionDocument, RequestPasswordResetDocument, ResetPasswordDocument } from '../../generated/graphql';

const NEW_PASSWORD = 'a fresh passphrase for 2027';

describe.each(MAIL_TRANSPORTS)('password reset, mailed through %s', (transport) => {
  let mailing: MailingServer;
  let server: TestServer;
  beforeAll(async () => {
    mailing = await startMailingServer(transport);
    server = mailing.server;
  });
  afterAll(() => mailing.close());

  async function resetLink(user: TestUser): Promise<string> {
    const asked = await server.request(RequestPasswordResetDocument, { email: user.email.toUpperCase() });
    expect(asked.data?.requestPasswordReset).toBe(true);
    const mail = await mailing.mailbox.take(user.email, 'reset your password');
    expect(mail.link).toContain('/#/reset-password?token=');
    expect(mail.html).toContain(`href="${mail.link}"`);
    return mail.token!;
  }

  it('mails a link that sets the password, ends every session (open sockets close) and signs in anew', async () => {
    const user = await signUpUser(server);
    const socket = signedInClient(server, user.accessToken);
    expect(await within(socket.connected, 5_000, 'the socket to connect')).toBe(true);
    const token = await resetLink(user);

    const reset = await server.request(ResetPasswordDocument, { token, newPassword: NEW_PASSWORD }, { headers: { 'user-agent': 'reset-browser' } });
    expect(reset.errors).toBeUndefined();
    const payload = reset.data!.resetPassword;
    expect(payload.user.id).toBe(user.id);
    expect((await within(socket.closed, 5_000, 'the socket to close')).code).toBe(4403);
    expect(await whoAmI(server.url, user.accessToken)).toBe('refused');
    expect((await server.request(RefreshSessionDocument, { refreshToken: user.refreshToken })).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(await whoAmI(server.url, payload.accessToken)).toBe(user.id);

    const old = await server.request(LogInDocument, { input: { login: user.username, password: GOOD_PASSWORD } });
    expect(old.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    const fresh = await server.request(LogInDocument, { input: { login: user.username, password: NEW_PASSWORD } });
    expect(fresh.data?.logIn.user.id).toBe(user.id);
    // The link reached the address: that proves it too.
    expect((await server.request(MyAccountDocument, {}, { token: payload.accessToken })).data?.me.emailVerified).toBe(true);
    await socket.dispose();
  });

  it('refuses a weak new password without using the link up', async () => {
    const user = await signUpUser(server);
    const token = await resetLink(user);
    for (const newPassword of ['short', 'password123', user.username]) {
      const refused = await server.request(ResetPasswordDocument, { token, newPassword });
      expect(refused.errors?.[0]?.extensions, newPassword).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' });
    }
    expect(await whoAmI(server.url, user.accessToken)).toBe(user.id);
    expect((await server.request(ResetPasswordDocument, { token, newPassword: NEW_PASSWORD })).errors).toBeUndefined();
  });

  it('refuses a used link, the other links of the account once one was used, an expired link and an unknown one', async () => {
    const user = await signUpUser(server);
    const first = await resetLink(user);
    const second = await resetLink(user);
    expect((await server.request(ResetPasswordDocument, { token: second, newPassword: NEW_PASSWORD })).errors).toBeUndefined();
    const reused = await server.request(ResetPasswordDocument, { token: second, newPassword: `${NEW_PASSWORD}!` });
    expect(reused.errors?.[0]).toMatchObject({ message: expect.stringContaining('already used'), extensions: { code: 'BAD_USER_INPUT', field: 'token' } });
    const withdrawn = await server.request(ResetPasswordDocument, { token: first, newPassword: `${NEW_PASSWORD}!` });
    expect(withdrawn.errors?.[0]).toMatchObject({ message: expect.stringContaining('not valid'), extensions: { code: 'BAD_USER_INPUT', field: 'token' } });

    const other = await signUpUser(server);
    const late = await resetLink(other);
    await server.parley.database.prisma.accountToken.update({ where: { tokenHash: hashSecretToken(late) }, data: { expiresAt: new Date(Date.now() - 1) } });
    const expired = await server.request(ResetPasswordDocument, { token: late, newPassword: NEW_PASSWORD });
    expect(expired.errors?.[0]).toMatchObject({ message: expect.stringContaining('expired'), extensions: { code: 'BAD_USER_INPUT', field: 'token' } });
    expect(await whoAmI(server.url, other.accessToken)).toBe(other.id);
    // A verification token is no reset token.
    const verification = await mailing.mailbox.take(other.email, 'confirm your email address');
    const wrongKind = await server.request(ResetPasswordDocument, { token: verification.token!, newPassword: NEW_PASSWORD });
    expect(wrongKind.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
  });

  it('answers true for an address no account has, mailing nothing, and refuses what is no address', async () => {
    const nobody = `${uniqueUsername('nobody')}@example.com`;
    expect((await server.request(RequestPasswordResetDocument, { email: nobody })).data?.requestPasswordReset).toBe(true);
    const bad = await server.request(RequestPasswordResetDocument, { email: 'nobody at all' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    await delay(300);
    expect(await mailing.mailbox.to(nobody)).toEqual([]);
  });

  it('answers in about the same time whether or not the address has an account', async () => {
    const user = await signUpUser(server);
    const timed = async (email: string) => {
      const started = performance.now();
      const answer = await server.request(RequestPasswordResetDocument, { email });
      const elapsed = performance.now() - started;
      expect(answer.data?.requestPasswordReset).toBe(true);
      return elapsed;
    };
    // The work the answer did not wait for is over before the next request: the email, for an account (waited for),
    // and the lookup alone, for no account.
    const known = async () => {
      const elapsed = await timed(user.email);
      await mailing.mailbox.take(user.email, 'reset your password');
      return elapsed;
    };
    const unknown = async () => {
      const elapsed = await timed(`${uniqueUsername('ghost')}@example.com`);
      await delay(100);
      return elapsed;
    };
    // In pairs, in alternating order: the machine's load moves both of a pair alike.
    const pairs: [number, number][] = [];
    for (let round = 0; round < 21; round += 1) {
      if (round % 2 === 0) {
        const first = await known();
        pairs.push([first, await unknown()]);
      } else {
        const first = await unknown();
        pairs.push([await known(), first]);
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const [knownMedian, unknownMedian] = [median(pairs.map(([k]) => k)), median(pairs.map(([, u]) => u))];
    const difference = median(pairs.map(([k, u]) => k - u));
    console.log(`[password reset timing, ${transport}] median ${knownMedian.toFixed(1)} ms with an account, ${unknownMedian.toFixed(1)} ms without; median difference within a pair ${difference.toFixed(1)} ms`);
    // Generous for a shared machine, yet tight enough to catch the lookup, token and email done before answering (5 ms more here).
    expect(Math.abs(difference)).toBeLessThan(Math.max(4, 0.5 * Math.min(knownMedian, unknownMedian)));
  });
});

describe('password reset limits', () => {
  let mailing: MailingServer;
  let server: TestServer;
  beforeAll(async () => {
    // Each test is its own client, named by X-Forwarded-For.
    mailing = await startMailingServer('outbox', { env: { RATE_LIMIT_SCALE: '1', TRUST_PROXY: 'loopback' } });
    server = mailing.server;
  });
  afterAll(() => mailing.close());

  const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });

  it('allows 3 requests an hour per address, known or not, and 20 per client', async () => {
    const user = await signUpUser(server, {}, { 'x-forwarded-for': '203.0.113.1' });
    const ask = (email: string, client = '203.0.113.2') => server.request(RequestPasswordResetDocument, { email }, from(client));
    for (const email of [user.email, `${uniqueUsername('ghost')}@example.com`]) {
      for (let attempt = 0; attempt < 3; attempt += 1) expect((await ask(email)).data?.requestPasswordReset).toBe(true);
      // Another client, the same address: still refused.
      const refused = await ask(email.toUpperCase(), '203.0.113.3');
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    }
    for (let attempt = 6; attempt < 20; attempt += 1) expect((await ask(`${uniqueUsername('ghost')}@example.com`)).data?.requestPasswordReset).toBe(true);
    expect((await ask(`${uniqueUsername('ghost')}@example.com`)).errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    await delay(300);
    expect((await mailing.mailbox.to(user.email)).filter((mail) => mail.subject.includes('reset'))).toHaveLength(3);
  });

  it('ends a lockout after failed logins', async () => {
    const user = await signUpUser(server, {}, { 'x-forwarded-for': '203.0.113.4' });
    for (let attempt = 0; attempt < 10; attempt += 1) {
      await server.request(LogInDocument, { input: { login: user.username, password: 'wrong password!' } }, from('203.0.113.4'));
    }
    const locked = await server.request(LogInDocument, { input: { login: user.username, password: GOOD_PASSWORD } }, from('203.0.113.4'));
    expect(locked.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    expect((await server.request(RequestPasswordResetDocument, { email: user.email }, from('203.0.113.4'))).data?.requestPasswordReset).toBe(true);
    const { token } = await mailing.mailbox.take(user.email, 'reset your password');
    expect((await server.request(ResetPasswordDocument, { token: token!, newPassword: NEW_PASSWORD }, from('203.0.113.4'))).errors).toBeUndefined();
    const unlocked = await server.request(LogInDocument, { input: { login: user.username, password: NEW_PASSWORD } }, from('203.0.113.4'));
    expect(unlocked.data?.logIn.user.id).toBe(user.id);
  });
});
