import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
    expect(result.errors).toBeUndefined();
    expect(await running.exited).toBe(0);
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
