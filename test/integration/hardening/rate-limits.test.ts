import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogInDocument, SignUpDocument } from '../../generated/graphql';
import { createGroup } from '../../helpers/chat-factories';
import { GOOD_PASSWORD, signUpUser, uniqueUsername } from '../../helpers/factories';
import { postGraphQL, startTestServer, type TestServer } from '../../helpers/server';
import { requestUpload } from '../../helpers/uploads';
import { wsClient } from '../../helpers/ws';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_SCALE: '1', TRUST_PROXY: 'loopback' } });
});
afterAll(() => server.close());

/** Each test speaks from its own (forwarded) address, so their allowances do not mix. */
let nextAddress = 1;
const fromNewAddress = () => ({ 'x-forwarded-for': `203.0.113.${nextAddress++}` });

const logIn = (login: string, password: string, headers: Record<string, string>) =>
  server.request(LogInDocument, { input: { login, password } }, { headers });

describe('rate limits', () => {
  it('lock an account after 10 failed logins, even for the right password, with retryAfterSeconds', async () => {
    const headers = fromNewAddress();
    const user = await signUpUser(server, {}, headers);
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await logIn(user.username, 'wrong password!', headers)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    }
    const locked = await logIn(user.username, user.password, headers);
    expect(locked.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    expect(locked.errors?.[0]?.extensions.retryAfterSeconds).toBeGreaterThan(60);
    const fromElsewhere = await logIn(user.username, user.password, fromNewAddress());
    expect(fromElsewhere.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
  });

  it('forget failures after a successful login', async () => {
    const headers = fromNewAddress();
    const user = await signUpUser(server, {}, headers);
    for (let attempt = 0; attempt < 9; attempt += 1) await logIn(user.username, 'wrong password!', headers);
    expect((await logIn(user.username, user.password, headers)).data?.logIn.user.id).toBe(user.id);
    for (let attempt = 0; attempt < 9; attempt += 1) await logIn(user.username, 'wrong password!', headers);
    expect((await logIn(user.username, user.password, headers)).data?.logIn.user.id).toBe(user.id);
  });

  it('limit failed logins per address across accounts', async () => {
    const headers = fromNewAddress();
    let last;
    for (let attempt = 0; attempt < 51; attempt += 1) last = await logIn(`nobody${attempt}`, 'wrong password!', headers);
    expect(last?.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
  });

  it('limit sign-ups per address and store nothing past the limit', async () => {
    const headers = fromNewAddress();
    const results = [];
    for (let attempt = 0; attempt < 11; attempt += 1) {
      const username = uniqueUsername('burst');
      results.push(await server.request(SignUpDocument, { input: { username, email: `${username}@example.com`, password: GOOD_PASSWORD } }, { headers }));
    }
    expect(results.slice(0, 10).every((result) => result.data)).toBe(true);
    expect(results[10]?.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    const other = await server.request(SignUpDocument, { input: { username: uniqueUsername(), email: `${uniqueUsername()}@example.com`, password: GOOD_PASSWORD } }, { headers: fromNewAddress() });
    expect(other.data).toBeTruthy();
  });

  it('believe X-Forwarded-For only from trusted proxies', async () => {
    const strict = await startTestServer({ env: { RATE_LIMIT_SCALE: '1' } });
    try {
      let last;
      for (let attempt = 0; attempt < 11; attempt += 1) {
        const username = uniqueUsername('spoof');
        last = await strict.request(SignUpDocument, { input: { username, email: `${username}@example.com`, password: GOOD_PASSWORD } }, { headers: fromNewAddress() });
      }
      expect(last?.errors?.[0]?.extensions.code).toBe('RATE_LIMITED');
    } finally {
      await strict.close();
    }
  });

  it('allow a burst of 20 messages per user, then about 5 per second', async () => {
    const headers = fromNewAddress();
    const [author] = [await signUpUser(server, {}, headers)];
    const chatId = await createGroup(server, author, []);
    const send = (index: number) =>
      postGraphQL<{ sendMessage: { seq: number } }>(server.url, { query: 'mutation ($c: ID!, $b: String) { sendMessage(input: { chatId: $c, body: $b }) { seq } }', variables: { c: chatId, b: `m${index}` } }, { token: author.accessToken });
    // 120 at once: unless sending them takes over 20 s, 20 + 5/s cannot take them all.
    const results = await Promise.all(Array.from({ length: 120 }, (_, index) => send(index)));
    const accepted = results.filter((result) => result.data).length;
    const limited = results.filter((result) => result.errors?.[0]?.extensions.code === 'RATE_LIMITED');
    expect(accepted).toBeGreaterThanOrEqual(20);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.errors?.[0]?.extensions.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(await server.parley.database.prisma.message.count({ where: { chatId } })).toBe(accepted);
  });

  it("leave a chat's allowance to its members while outsiders hammer it", async () => {
    const member = await signUpUser(server, {}, fromNewAddress());
    const chatId = await createGroup(server, member, []);
    const outsiders = await Promise.all(Array.from({ length: 16 }, () => signUpUser(server, {}, fromNewAddress())));
    const send = (user: { accessToken: string }, body: string) =>
      postGraphQL<{ sendMessage: { seq: number } }>(server.url, { query: 'mutation ($c: ID!, $b: String) { sendMessage(input: { chatId: $c, body: $b }) { seq } }', variables: { c: chatId, b: body } }, { token: user.accessToken });
    // 240 attempts at once: three times what the chat allows in a burst (60 + 20 a second), had they counted.
    const hammered = await Promise.all(outsiders.flatMap((outsider) => Array.from({ length: 15 }, (_, index) => send(outsider, `spam ${index}`))));
    expect(new Set(hammered.map((result) => result.errors?.[0]?.extensions.code))).toEqual(new Set(['NOT_FOUND']));
    const results = await Promise.all(Array.from({ length: 15 }, (_, index) => send(member, `hello ${index}`)));
    expect(results.map((result) => result.errors?.[0]?.extensions.code ?? 'OK')).toEqual(Array(15).fill('OK'));
    expect(await server.parley.database.prisma.message.count({ where: { chatId } })).toBe(15);
  });

  it('allow a burst of 50 upload requests per user, then about 1 per second, storing nothing past it', async () => {
    const user = await signUpUser(server, {}, fromNewAddress());
    const announce = () => requestUpload(server, user, { purpose: 'ATTACHMENT', name: 'a.png', mimeType: 'image/png', sizeBytes: 100 });
    const started = Date.now();
    const results = [];
    for (let index = 0; index < 60; index += 1) results.push(await announce());
    const seconds = Math.ceil((Date.now() - started) / 1000);
    const allowed = results.filter((result) => result.errors === undefined).length;
    expect(allowed).toBeGreaterThanOrEqual(50);
    expect(allowed).toBeLessThanOrEqual(50 + seconds + 1);
    expect(results.filter((result) => result.errors?.[0]?.extensions.code === 'RATE_LIMITED')).toHaveLength(60 - allowed);
    expect(await server.parley.database.prisma.upload.count({ where: { ownerId: user.id } })).toBe(allowed);
  });

  it('limit typing signals per user', async () => {
    const author = await signUpUser(server, {}, fromNewAddress());
    const chatId = await createGroup(server, author, []);
    const results = await Promise.all(
      Array.from({ length: 25 }, () => postGraphQL(server.url, { query: 'mutation ($c: ID!) { setTyping(chatId: $c, isTyping: true) }', variables: { c: chatId } }, { token: author.accessToken })),
    );
    expect(results.some((result) => result.errors?.[0]?.extensions.code === 'RATE_LIMITED')).toBe(true);
  });

  it('allow at most one logIn, signUp or refreshSession per document', async () => {
    const query = 'mutation { a: logIn(input: { login: "x", password: "y" }) { accessToken } b: logIn(input: { login: "z", password: "w" }) { accessToken } }';
    const result = await postGraphQL(server.url, { query }, { headers: fromNewAddress() });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toMatch(/At most one logIn/);
  });

  it('limit new sockets per address', async () => {
    const user = await signUpUser(server, {}, fromNewAddress());
    const closes = [];
    for (let attempt = 0; attempt < 31; attempt += 1) {
      const client = wsClient(server.url, { authorization: `Bearer ${user.accessToken}` });
      closes.push(client);
    }
    const last = closes.at(-1)!;
    expect(await last.closed).toMatchObject({ code: 1013, reason: expect.stringMatching(/try again later/) });
    await Promise.all(closes.map((client) => client.dispose()));
  });
});
