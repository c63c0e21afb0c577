import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { type Client, createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import pg from 'pg';
import WebSocket from 'ws';
import { createPostgresDatabase, type TestDatabase } from './database';
import { postGraphQL, TEST_JWT_SECRET } from './server';
import { ROOT, serverStartArgs } from './server-process';

/**
 * Helpers for the multi-instance tests: the services they need (PostgreSQL, Redis, redis-server),
 * a database that several servers share, servers as child processes, and subscriptions that collect.
 */

/** Several servers can share only a PostgreSQL database (an in-memory PGlite belongs to one process object). */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** Why a service cannot be used, or undefined when it answers. */
export async function redisProblem(url: string): Promise<string | undefined> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let cause: Error | undefined;
  client.on('error', (error: Error) => (cause ??= error));
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return `Redis at ${url} is unreachable (${(cause ?? (error as Error)).message}); set TEST_REDIS_URL`;
  } finally {
    client.disconnect();
  }
}

export async function postgresProblem(url: string = POSTGRES_URL): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${url} is unreachable (${(error as Error).message}); set TEST_DATABASE_URL`;
  } finally {
    await client.end().catch(() => {});
  }
}

export function redisServerProblem(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : 'the redis-server binary is not installed';
}

/**
 * Locally a missing service skips the suite, saying why; in CI (CI set) the suite runs and
 * `requireServices` fails it with the same message.
 */
export function skipWithout(problems: (string | undefined)[]): boolean {
  const missing = problems.filter(Boolean);
  if (missing.length === 0 || process.env.CI) return false;
  console.warn(`Skipping the multi-instance tests: ${missing.join('; ')}`);
  return true;
}

export function requireServices(problems: (string | undefined)[]): void {
  const missing = problems.filter(Boolean);
  if (missing.length > 0) throw new Error(`Required by the multi-instance tests (CI): ${missing.join('; ')}`);
}

/** A new, empty database on the PostgreSQL server, whatever TEST_DATABASE_URL says; `drop` removes it. */
export function createPostgresTestDatabase(serverUrl: string = POSTGRES_URL): Promise<TestDatabase> {
  return createPostgresDatabase(serverUrl);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/** Polls `probe` until it returns something truthy; fails after `timeoutMs`, naming what it waited for. */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 25): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A redis-server of the test's own, that it can kill (SIGKILL) and start again on the same port. */
export class RedisServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts it (again) and resolves once it answers PING. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('redis-server is running already');
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await waitFor(`redis-server on port ${this.port}`, async () => (await redisProblem(this.url)) === undefined, 10_000, 50);
  }

  /** SIGKILL: no goodbye to its clients, as when the machine dies. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.kill('SIGKILL');
    await this.exited;
  }
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<void>;
  /** SIGKILL: the server gets no chance to clean up (no presence goodbye). */
  kill(): Promise<void>;
}

/** The server as `npm start` runs it, in a child process that the test can SIGKILL; resolved once it answers. */
export async function startServerProcess(env: { DATABASE_URL: string; REDIS_URL: string }): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, serverStartArgs(), {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: String(port), JWT_SECRET: TEST_JWT_SECRET, BCRYPT_COST: '10', LOG_LEVEL: 'warn', RATE_LIMIT_SCALE: '1000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  let running = true;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running = false;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}/graphql`;
  const kill = async () => {
    if (running) child.kill('SIGKILL');
    await exited;
  };
  try {
    await waitFor('the server process to answer', async () => {
      if (!running) throw new Error(`the server process exited: ${output.join('')}`);
      return postGraphQL(url, { query: '{ __typename }' }).then((response) => response.status === 200, () => false);
    }, 30_000, 100);
  } catch (error) {
    await kill();
    throw error;
  }
  return { url, child, output, exited, kill };
}

/**
 * A signed-in graphql-ws client, resolved once the server acknowledged it. Unlike `wsClient` it
 * does not print the socket's close to the console: these tests kill servers on purpose.
 */
export async function connectedClient(httpUrl: string, accessToken: string): Promise<Client> {
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${accessToken}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
  });
  await new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('closed', (event) => {
      const { code, reason } = event as { code: number; reason: string };
      reject(new Error(`socket closed before it was acknowledged: ${code} ${reason}`));
    });
  });
  return client;
}

export interface Collected<T> {
  /** Every event so far, in arrival order. */
  readonly values: T[];
  readonly errors: unknown[];
  /** Resolves once `count` events arrived (fails at once on an error). */
  until(count: number, timeoutMs?: number): Promise<T[]>;
  stop(): void;
}

/** Runs one subscription and keeps what it yields (the root field's value). */
export function collect<T>(client: Client, query: string, variables?: Record<string, unknown>): Collected<T> {
  const values: T[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) values.push(Object.values(result.data)[0]!);
      },
      error: (error) => errors.push(error),
      complete: () => {},
    },
  );
  const until = (count: number, timeoutMs = 10_000) =>
    waitFor(`${count} events of ${query.trim().split('\n')[0]}`, () => {
      if (errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
      return values.length >= count && values;
    }, timeoutMs);
  return { values, errors, until, stop };
}

/**
 * graphql-ws does not acknowledge a subscribe, and the instance subscribes to the Redis channel
 * asynchronously: `trigger` (an event for `feed`) is repeated until one arrives, so the feed is live.
 */
export async function untilLive(feed: Collected<unknown>, trigger: () => Promise<unknown>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (feed.values.length === 0) {
    if (Date.now() > deadline) throw new Error(`subscription not live after ${timeoutMs} ms: ${JSON.stringify(feed.errors)}`);
    await trigger();
    await feed.until(1, 500).catch(() => undefined);
  }
}
