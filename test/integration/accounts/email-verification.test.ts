import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecretToken } from '../../../src/auth/tokens';
import { GOOD_PASSWORD, signUpUser, type TestUser } from '../../helpers/factories';
import { MAIL_TRANSPORTS, type MailingServer, startMailingServer } from '../../helpers/mail';
import type { TestServer } from '../../helpers/server';
import {
  AccountOfDocument,
  ChangeEmailDocument,
  LogInDocument,
  MyAccountDocument,
  RequestEmailVerificationDocument,
  VerifyEmailDocument,
} from '../../generated/graphql';

describe.each(MAIL_TRANSPORTS)('email verification and change of address, mailed through %s', (transport) => {
  let mailing: MailingServer;
  let server: TestServer;
  beforeAll(async () => {
    mailing = await startMailingServer(transport);
    server = mailing.server;
  });
  afterAll(() => mailing.close());

  async function signUpAndTakeLink(): Promise<{ user: TestUser; token: string }> {
    const user = await signUpUser(server);
    const mail = await mailing.mailbox.take(user.email, 'confirm your email address');
    return { user, token: mail.token! };
  }

  it('mails a link on sign-up, in plain text and HTML, that verifies the address without signing in', async () => {
    const user = await signUpUser(server);
    const mail = await mailing.mailbox.take(user.email, 'confirm your email address');
    expect(mail.subject).toBe('Parley: confirm your email address');
    expect(mail.from).toContain(transport === 'SMTP' ? 'no-reply@parley.test' : 'no-reply@localhost');
    expect(mail.link).toMatch(new RegExp(`^${server.url.replace(/\/graphql$/, '')}/#/verify-email\\?token=`));
    expect(mail.text).toContain(user.username);
    expect(mail.text).toContain(mail.token);
    expect(mail.html).toContain(`href="${mail.link}"`);
    expect(mail.html).toContain(mail.token);

    expect((await server.request(MyAccountDocument, {}, { token: user.accessToken })).data?.me.emailVerified).toBe(false);
    const verified = await server.request(VerifyEmailDocument, { token: mail.token! });
    expect(verified.errors).toBeUndefined();
    expect(verified.data?.verifyEmail).toMatchObject({ id: user.id, email: user.email, emailVerified: true, deleted: false });
    expect((await server.request(MyAccountDocument, {}, { token: user.accessToken })).data?.me.emailVerified).toBe(true);
  });

  it('shows emailVerified to the owner only', async () => {
    const { user, token } = await signUpAndTakeLink();
    await server.request(VerifyEmailDocument, { token });
    const other = await signUpUser(server);
    const seen = await server.request(AccountOfDocument, { id: user.id }, { token: other.accessToken });
    expect(seen.data?.user).toMatchObject({ id: user.id, email: null, emailVerified: null, deleted: false });
  });

  it('refuses a used, an expired and an unknown token, each saying why', async () => {
    const { token } = await signUpAndTakeLink();
    expect((await server.request(VerifyEmailDocument, { token })).errors).toBeUndefined();
    const again = await server.request(VerifyEmailDocument, { token });
    expect(again.errors?.[0]).toMatchObject({ message: expect.stringContaining('already used'), extensions: { code: 'BAD_USER_INPUT', field: 'token' } });

    const second = await signUpAndTakeLink();
    await server.parley.database.prisma.accountToken.update({ where: { tokenHash: hashSecretToken(second.token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await server.request(VerifyEmailDocument, { token: second.token });
    expect(expired.errors?.[0]).toMatchObject({ message: expect.stringContaining('expired'), extensions: { code: 'BAD_USER_INPUT', field: 'token' } });
    expect((await server.request(MyAccountDocument, {}, { token: second.user.accessToken })).data?.me.emailVerified).toBe(false);

    const unknown = await server.request(VerifyEmailDocument, { token: 'x'.repeat(43) });
    expect(unknown.errors?.[0]).toMatchObject({ message: expect.stringContaining('not valid'), extensions: { code: 'BAD_USER_INPUT', field: 'token' } });
  });

  it('mails a fresh link on request while unverified, and nothing once verified', async () => {
    const { user, token } = await signUpAndTakeLink();
    const requested = await server.request(RequestEmailVerificationDocument, {}, { token: user.accessToken });
    expect(requested.data?.requestEmailVerification).toBe(true);
    const fresh = await mailing.mailbox.take(user.email, 'confirm your email address');
    expect(fresh.token).not.toBe(token);
    expect((await server.request(VerifyEmailDocument, { token: fresh.token! })).data?.verifyEmail.emailVerified).toBe(true);
    // The first link still proves the same address: it works too, once.
    expect((await server.request(VerifyEmailDocument, { token })).errors).toBeUndefined();

    const before = (await mailing.mailbox.to(user.email)).length;
    expect((await server.request(RequestEmailVerificationDocument, {}, { token: user.accessToken })).data?.requestEmailVerification).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await mailing.mailbox.to(user.email)).toHaveLength(before);
    expect((await server.request(RequestEmailVerificationDocument, {})).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('moves the account to a new address: unverified, with a link sent there and a notice sent to the old one', async () => {
    const { user, token: oldLink } = await signUpAndTakeLink();
    await server.request(VerifyEmailDocument, { token: oldLink });
    const newEmail = `New.${user.username}@Example.org`;
    const changed = await server.request(ChangeEmailDocument, { newEmail: ` ${newEmail} `, currentPassword: GOOD_PASSWORD }, { token: user.accessToken });
    expect(changed.errors).toBeUndefined();
    expect(changed.data?.changeEmail).toMatchObject({ id: user.id, email: newEmail, emailVerified: false });

    const notice = await mailing.mailbox.take(user.email, 'your email address was changed');
    expect(notice.text).toContain(newEmail);
    expect(notice.html).toContain(newEmail);
    expect(notice.link).toBeUndefined();
    const link = await mailing.mailbox.take(newEmail, 'confirm your email address');
    expect((await server.request(VerifyEmailDocument, { token: link.token! })).data?.verifyEmail).toMatchObject({ email: newEmail, emailVerified: true });

    const loggedIn = await server.request(LogInDocument, { input: { login: newEmail.toUpperCase(), password: GOOD_PASSWORD } });
    expect(loggedIn.data?.logIn.user.id).toBe(user.id);
    const oldLogin = await server.request(LogInDocument, { input: { login: user.email, password: GOOD_PASSWORD } });
    expect(oldLogin.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('withdraws the links sent to the old address', async () => {
    const { user, token } = await signUpAndTakeLink();
    await server.request(ChangeEmailDocument, { newEmail: `moved.${user.email}`, currentPassword: GOOD_PASSWORD }, { token: user.accessToken });
    const stale = await server.request(VerifyEmailDocument, { token });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    expect((await server.request(MyAccountDocument, {}, { token: user.accessToken })).data?.me.emailVerified).toBe(false);
  });

  it('refuses a wrong password, a bad address, the same address and one taken (ignoring case), changing nothing', async () => {
    const { user } = await signUpAndTakeLink();
    const other = await signUpUser(server);
    const attempts: [string, string, string, string][] = [
      ['someone.else@example.org', 'not my password', 'BAD_USER_INPUT', 'currentPassword'],
      ['not an address', GOOD_PASSWORD, 'BAD_USER_INPUT', 'newEmail'],
      [`${'a'.repeat(250)}@example.org`, GOOD_PASSWORD, 'BAD_USER_INPUT', 'newEmail'],
      [user.email.toUpperCase(), GOOD_PASSWORD, 'BAD_USER_INPUT', 'newEmail'],
      [other.email.toUpperCase(), GOOD_PASSWORD, 'CONFLICT', 'newEmail'],
    ];
    for (const [newEmail, currentPassword, code, field] of attempts) {
      const refused = await server.request(ChangeEmailDocument, { newEmail, currentPassword }, { token: user.accessToken });
      expect(refused.errors?.[0]?.extensions, newEmail).toMatchObject({ code, field });
    }
    expect((await server.request(MyAccountDocument, {}, { token: user.accessToken })).data?.me.email).toBe(user.email);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await mailing.mailbox.to(user.email)).filter((mail) => mail.subject.includes('changed'))).toEqual([]);
  });
});
