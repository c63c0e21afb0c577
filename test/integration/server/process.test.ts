import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { postGraphQL } from '../../helpers/server';
import { ROOT, serverStartArgs } from '../../helpers/server-process';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

/** The server as a child process, resolved once it logs that it listens. */
async function startProcess(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, serverStartArgs(), {
    cwd: ROOT,
    env: { PATH: process.env.PATH, BCRYPT_COST: '10', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join('').includes('Parley is listening')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`exited with ${code}: ${output.join('')}`)));
  });
  return { child, output, exited };
}

const signUp = 'mutation ($input: SignUpInput!) { signUp(input: $input) { user { id } } }';
const logIn = 'mutation ($input: LogInInput!) { logIn(input: $input) { user { id } } }';

/** A new user through the endpoint, with an access token. */
async function signUpThrough(url: string, username: string): Promise<{ id: string; token: string }> {
  const input = { username, email: `${username}@example.com`, password: 'a passphrase long enough' };
  const result = await postGraphQL<{ signUp: { accessToken: string; user: { id: string } } }>(url, {
    query: 'mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }',
    variables: { input },
  });
  return { id: result.data!.signUp.user.id, token: result.data!.signUp.accessToken };
}

describe('the server process', () => {
  it('starts on embedded PostgreSQL, keeps its data across restarts and stops cleanly on SIGTERM', async () => {
    const env = { PORT: String(await freePort()), DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-data-')) };
    const url = `http://127.0.0.1:${env.PORT}/graphql`;
    const credentials = { username: 'persisted_user', email: 'persisted@example.com', password: 'a passphrase that persists' };

    const first = await startProcess(env);
    expect(first.output.join('')).toContain('"database":"pglite"');
    const created = await postGraphQL<{ signUp: { user: { id: string } } }>(url, { query: signUp, variables: { input: credentials } });
    expect(created.errors).toBeUndefined();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await startProcess(env);
    const loggedIn = await postGraphQL<{ logIn: { user: { id: string } } }>(url, {
      query: logIn,
      variables: { input: { login: credentials.username, password: credentials.password } },
    });
    expect(loggedIn.data?.logIn.user.id).toBe(created.data?.signUp.user.id);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 60_000);

  it('finishes a request in flight before it exits', async () => {
    const env = { PORT: String(await freePort()), DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-data-')), BCRYPT_COST: '13' };
    const running = await startProcess(env);
    const input = { username: 'slow_signup', email: 'slow@example.com', password: 'hashing takes a while here' };
    const inFlight = postGraphQL(`http://127.0.0.1:${env.PORT}/graphql`, { query: signUp, variables: { input } });
    await new Promise((resolve) => setTimeout(resolve, 150));
    running.child.kill('SIGTERM');
    const result = await inFlight;
    const answered = Date.now();
    expect(result.errors).toBeUndefined();
    expect(await running.exited).toBe(0);
    // The client keeps its connection alive; the server must not wait for it to hang up.
    expect(Date.now() - answered).toBeLessThan(2_000);
  }, 60_000);

  it('stops at once after a burst of deliveries and socket closes', async () => {
    const env = { PORT: String(await freePort()), DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-data-')) };
    const url = `http://127.0.0.1:${env.PORT}/graphql`;
    const running = await startProcess(env);
    const [author, reader] = await Promise.all(['burst_author', 'burst_reader'].map((name) => signUpThrough(url, name)));
    const chat = await postGraphQL<{ openPrivateChat: { id: string } }>(url, { query: 'mutation ($u: ID!) { openPrivateChat(userId: $u) { id } }', variables: { u: reader!.id } }, { token: author!.token });
    const chatId = chat.data!.openPrivateChat.id;
    const clients = Array.from({ length: 40 }, () => createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${reader!.token}` }, retryAttempts: 0, lazy: false, onNonLazyError: () => {} }));
    const received = clients.map(() => 0);
    clients.forEach((client, index) =>
      client.subscribe({ query: 'subscription ($c: ID) { messageAdded(chatId: $c) { seq } }', variables: { c: chatId } }, { next: () => (received[index]! += 1), error: () => {}, complete: () => {} }),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sends = Array.from({ length: 30 }, (_, index) =>
      postGraphQL(url, { query: 'mutation ($i: SendMessageInput!) { sendMessage(input: $i) { seq } }', variables: { i: { chatId, body: `burst ${index}` } } }, { token: author!.token }),
    );
    await Promise.all(sends);
    // Deliveries under way and half the sockets closing while the signal arrives.
    void Promise.all(clients.slice(0, 20).map((client) => client.dispose()));
    running.child.kill('SIGTERM');
    const started = Date.now();
    expect(await running.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(received.some((count) => count > 0)).toBe(true);
    await Promise.all(clients.slice(20).map((client) => client.dispose()));
  }, 60_000);

  it('exits after SHUTDOWN_TIMEOUT when a client never answers the close handshake, naming what was still open', async () => {
    const env = { PORT: String(await freePort()), DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-data-')), SHUTDOWN_TIMEOUT: '1s' };
    const running = await startProcess(env);
    // A WebSocket upgrade by hand, from a client that then reads nothing and answers nothing.
    const silent = connect(Number(env.PORT), '127.0.0.1');
    silent.on('error', () => {});
    const upgraded = new Promise<void>((resolve) => silent.once('data', () => resolve()));
    silent.write(
      ['GET /graphql HTTP/1.1', `Host: 127.0.0.1:${env.PORT}`, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Protocol: graphql-transport-ws', '', ''].join('\r\n'),
    );
    await upgraded;
    silent.pause();
    running.child.kill('SIGTERM');
    const started = Date.now();
    expect(await running.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    const log = running.output.join('');
    expect(log).toMatch(/shutdown timed out: exiting with work still open/);
    expect(log).toMatch(/"step":"closing sockets"/);
    silent.destroy();
  }, 60_000);

  it('refuses to start with a bad configuration, naming each bad variable', async () => {
    const child = spawn(process.execPath, serverStartArgs(), {
      cwd: ROOT,
      env: { PATH: process.env.PATH, PORT: 'eighty', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('PORT:');
  }, 30_000);
});
