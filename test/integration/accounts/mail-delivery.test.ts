import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecretToken } from '../../../src/auth/tokens';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { capturedLogger } from '../../helpers/logs';
import { OutboxMailbox, SmtpTestServer } from '../../helpers/mail';
import { startTestServer, type TestServer } from '../../helpers/server';
import { delay, pollUntil } from '../../helpers/subscriptions';
import {
  ChangeEmailDocument,
  DeleteAccountDocument,
  ExportMyDataDocument,
  RequestEmailVerificationDocument,
  RequestPasswordResetDocument,
  ResetPasswordDocument,
  VerifyEmailDocument,
} from '../../generated/graphql';

/** A TCP server that accepts connections and never says a word: an SMTP server that hangs. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A token of the user's put straight into the database (no email can carry one here). */
async function plantedToken(server: TestServer, user: TestUser, purpose: 'VERIFY_EMAIL' | 'RESET_PASSWORD'): Promise<string> {
  const token = `planted-${purpose}-${user.id}`;
  await server.parley.database.prisma.accountToken.create({
    data: { tokenHash: hashSecretToken(token), userId: user.id, purpose, emailKey: user.email.toLowerCase(), expiresAt: new Date(Date.now() + 3600_000) },
  });
  return token;
}

/** Runs every account mutation, each timed; throws on any error. */
async function everyMutation(server: TestServer): Promise<Record<string, number>> {
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, run: () => Promise<{ data?: T | null; errors?: unknown }>): Promise<T> => {
    const started = performance.now();
    const result = await run();
    timings[name] = performance.now() - started;
    if (result.errors || !result.data) throw new Error(`${name} failed: ${JSON.stringify(result.errors)}`);
    return result.data;
  };
  const user = await timed('signUp', async () => ({ data: await signUpUser(server) }));
  const token = { token: user.accessToken };
  await timed('requestEmailVerification', () => server.request(RequestEmailVerificationDocument, {}, token));
  await timed('verifyEmail', async () => server.request(VerifyEmailDocument, { token: await plantedToken(server, user, 'VERIFY_EMAIL') }));
  await timed('requestPasswordReset', () => server.request(RequestPasswordResetDocument, { email: user.email }));
  // The reset's email is made a moment after the answer: before the address changes below.
  await delay(200);
  await timed('changeEmail', () => server.request(ChangeEmailDocument, { newEmail: `moved.${user.email}`, currentPassword: user.password }, token));
  const reset = await timed('resetPassword', async () =>
    server.request(ResetPasswordDocument, { token: await plantedToken(server, { ...user, email: `moved.${user.email}` }, 'RESET_PASSWORD'), newPassword: 'another good passphrase' }));
  const signedIn = { token: reset.resetPassword.accessToken };
  await timed('exportMyData', () => server.request(ExportMyDataDocument, {}, signedIn));
  await timed('deleteAccount', () => server.request(DeleteAccountDocument, { currentPassword: 'another good passphrase', eraseMessages: true }, signedIn));
  return timings;
}

describe('account mutations while the SMTP server hangs', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let server: TestServer;
  beforeAll(async () => {
    silent = await silentServer();
    server = await startTestServer({ env: { SMTP_URL: `smtp://parley:secret@127.0.0.1:${silent.port}` }, mailer: { closeWaitMs: 100 } });
  });
  afterAll(async () => {
    await server.close();
    await silent.close();
  });

  it('all answer at once: none waits for an email to go', async () => {
    const timings = await everyMutation(server);
    console.log(`[mail] with a silent SMTP server: ${Object.entries(timings).map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join(', ')}`);
    for (const [name, ms] of Object.entries(timings)) expect(ms, name).toBeLessThan(5_000);
  });
});

describe('account mutations while the SMTP server is unreachable', () => {
  let server: TestServer;
  let lines: string[];
  beforeAll(async () => {
    const captured = capturedLogger('warn');
    lines = captured.lines;
    server = await startTestServer({ env: { SMTP_URL: `smtp://parley:secret@127.0.0.1:${await closedPort()}` }, logger: captured.logger, mailer: { retryDelaysMs: [50, 100] } });
  });
  afterAll(() => server.close());

  it('all work, and each failed email is logged, tried again twice, then given up on', async () => {
    await everyMutation(server);
    const entries = () => lines.map((line) => JSON.parse(line) as { level: number; msg: string; kind?: string; attempt?: number });
    // Sign-up, requestEmailVerification, the reset link, and changeEmail's two: five emails.
    const givenUp = await pollUntil(async () => entries().filter((entry) => entry.msg === 'sending an email failed; giving up'), (found) => found.length >= 5, 10_000, 'five emails given up');
    expect(givenUp.map((entry) => entry.kind).sort()).toEqual(['email-changed', 'reset-password', 'verify-email', 'verify-email', 'verify-email']);
    expect(givenUp.every((entry) => entry.attempt === 3 && entry.level === 50)).toBe(true);
    const retried = entries().filter((entry) => entry.msg === 'sending an email failed; trying again later');
    expect(retried).toHaveLength(10);
    expect(retried.every((entry) => entry.level === 40)).toBe(true);
  });
});

describe('a failed send', () => {
  let smtp: SmtpTestServer;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await SmtpTestServer.start();
    server = await startTestServer({ env: { SMTP_URL: smtp.url }, mailer: { retryDelaysMs: [50, 100, 200] } });
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  it('is tried again until the SMTP server takes it', async () => {
    smtp.refuseNext = 2;
    const user = await signUpUser(server);
    const mail = await smtp.take(user.email, 'confirm your email address');
    expect(smtp.refused).toBe(2);
    expect((await server.request(VerifyEmailDocument, { token: mail.token! })).data?.verifyEmail.emailVerified).toBe(true);
  });
});

describe('the outbox', () => {
  let server: TestServer;
  let lines: string[];
  beforeAll(async () => {
    const captured = capturedLogger('info');
    lines = captured.lines;
    server = await startTestServer({ logger: captured.logger });
  });
  afterAll(() => server.close());

  it('keeps each email as an .eml file under DATA_DIR/outbox and logs its link', async () => {
    const user = await signUpUser(server);
    const outbox = new OutboxMailbox(join(server.config.dataDir, 'outbox'));
    const mail = await outbox.take(user.email, 'confirm your email address');
    const logged = await pollUntil(
      async () => lines.map((line) => JSON.parse(line) as { msg: string; link?: string; file?: string; to?: string }).find((entry) => entry.to === user.email),
      (entry) => entry !== undefined,
      5_000,
      'the outbox log line',
    );
    expect(logged).toMatchObject({ link: mail.link, file: expect.stringMatching(/outbox\/.+-verify-email-[0-9a-f]{8}\.eml$/) });
    expect(logged!.msg).toContain(mail.link);
  });
});
