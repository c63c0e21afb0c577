import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateGroupChatDocument, SendMessageDocument, SignUpDocument } from '../../generated/graphql';
import { GOOD_PASSWORD, uniqueUsername } from '../../helpers/factories';
import { postGraphQL, TEST_JWT_SECRET } from '../../helpers/server';
import { ROOT, serverStartArgs } from '../../helpers/server-process';

/** The machine's PostgreSQL: a child process cannot share an in-memory PGlite. */
const POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

const USERS = 8;
const IN_FLIGHT_PER_USER = 3;
const KILLS = 3;
/** Each kill comes this long after the server is back, once the clients got some answers from it. */
const LOAD_BETWEEN_KILLS_MS = 1_500;
const PROGRESS_BEFORE_KILL = USERS;
const PROGRESS_WAIT_MS = 5_000;
/** Clients stop retrying after this, counted from the start of the load. */
const CLIENT_DEADLINE_MS = 60_000;
const ATTEMPTS_PER_MESSAGE = 100;
const REQUEST_TIMEOUT_MS = 15_000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The server as `npm start` runs it, always on the same port and database, killed with SIGKILL. */
class ServerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private output: string[] = [];
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'parley-crash-'));

  constructor(
    readonly port: number,
    private readonly databaseUrl: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  /** Starts it and resolves once /readyz answers 200. */
  async start(): Promise<void> {
    const child = spawn(process.execPath, serverStartArgs(), {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        PORT: String(this.port),
        DATABASE_URL: this.databaseUrl,
        DATA_DIR: this.dataDir,
        JWT_SECRET: TEST_JWT_SECRET,
        BCRYPT_COST: '10',
        LOG_LEVEL: 'warn',
        RATE_LIMIT_SCALE: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.output = [];
    child.stdout!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    let running = true;
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        running = false;
        resolve();
      }),
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (!running) throw new Error(`the server exited while starting: ${this.output.join('')}`);
      const ready = await fetch(`http://127.0.0.1:${this.port}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`the server did not become ready: ${this.output.join('')}`);
      await delay(50);
    }
  }

  /** SIGKILL: no shutdown, in-flight requests and transactions are cut off. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    child?.kill('SIGKILL');
    await this.exited;
  }
}

interface Acknowledged {
  id: string;
  seq: number;
  chatId: string;
}

/**
 * Clients that send messages with client ids and treat any failure (refused, reset, timed out, an
 * error in the answer) as "not acknowledged": they resend the same clientId until it is.
 */
class Senders {
  sent = 0;
  requests = 0;
  inFlight = 0;
  failures: string[] = [];
  readonly acknowledged = new Map<string, Acknowledged>();
  private stopping = false;
  private readonly deadline = Date.now() + CLIENT_DEADLINE_MS;

  constructor(
    private readonly url: string,
    private readonly users: { id: string; token: string }[],
    private readonly chatIds: string[],
  ) {}

  /** Each user sends messages one after another, a few at once, until `stop`. */
  run(): Promise<void> {
    const loops = this.users.flatMap((user) => {
      let next = 0;
      return Array.from({ length: IN_FLIGHT_PER_USER }, async () => {
        while (!this.stopping && Date.now() < this.deadline) {
          next += 1;
          this.sent += 1;
          await this.deliver(user, next);
        }
      });
    });
    return Promise.all(loops).then(() => {});
  }

  stop(): void {
    this.stopping = true;
  }

  private async deliver(user: { id: string; token: string }, n: number): Promise<void> {
    const clientId = `${user.id}-${n}`;
    const chatId = this.chatIds[n % this.chatIds.length]!;
    const body = { query: print(SendMessageDocument), variables: { input: { chatId, body: `message ${n}`, clientId } } };
    for (let attempt = 1; attempt <= ATTEMPTS_PER_MESSAGE && Date.now() < this.deadline; attempt += 1) {
      this.requests += 1;
      this.inFlight += 1;
      try {
        const result = await Promise.race([
          postGraphQL<{ sendMessage: { id: string; seq: number } }>(this.url, body, { token: user.token }),
          delay(REQUEST_TIMEOUT_MS).then(() => Promise.reject(new Error('no answer'))),
        ]);
        if (result.data?.sendMessage) {
          const { id, seq } = result.data.sendMessage;
          this.acknowledged.set(`${user.id}:${clientId}`, { id, seq, chatId });
          return;
        }
        this.failures.push(JSON.stringify(result.errors));
      } catch (error) {
        this.failures.push((error as Error).message);
      } finally {
        this.inFlight -= 1;
      }
      // Backs off while the server is down, up to a second between attempts, with jitter.
      await delay(Math.min(1_000, 50 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random()));
    }
  }
}

/** Lets the load run on the (re)started server: a while, and until it acknowledged a few messages. */
async function whileLoaded(senders: Senders): Promise<void> {
  const before = senders.acknowledged.size;
  const started = Date.now();
  await delay(LOAD_BETWEEN_KILLS_MS);
  while (senders.acknowledged.size < before + PROGRESS_BEFORE_KILL && Date.now() - started < PROGRESS_WAIT_MS) await delay(50);
}

describe('a server killed mid-load', () => {
  const name = `parley_crash_${process.pid}_${randomBytes(4).toString('hex')}`;
  const databaseUrl = POSTGRES_URL.replace(/\/postgres$/, `/${name}`);
  let server: ServerProcess;

  beforeAll(async () => {
    await withClient(POSTGRES_URL, (client) => client.query(`CREATE DATABASE ${name}`));
    server = new ServerProcess(await freePort(), databaseUrl);
    await server.start();
  });

  afterAll(async () => {
    await server?.kill();
    await withClient(POSTGRES_URL, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });

  async function signUp(): Promise<{ id: string; token: string }> {
    const username = uniqueUsername('crash');
    const input = { username, email: `${username}@example.com`, password: GOOD_PASSWORD };
    const result = await postGraphQL<{ signUp: { user: { id: string }; accessToken: string } }>(server.url, {
      query: print(SignUpDocument),
      variables: { input },
    });
    if (!result.data) throw new Error(`signUp failed: ${JSON.stringify(result.errors)}`);
    return { id: result.data.signUp.user.id, token: result.data.signUp.accessToken };
  }

  async function createGroup(owner: { token: string }, members: { id: string }[], groupName: string): Promise<string> {
    const input = { name: groupName, memberIds: members.map((member) => member.id) };
    const result = await postGraphQL<{ createGroupChat: { id: string } }>(
      server.url,
      { query: print(CreateGroupChatDocument), variables: { input } },
      { token: owner.token },
    );
    if (!result.data) throw new Error(`createGroupChat failed: ${JSON.stringify(result.errors)}`);
    return result.data.createGroupChat.id;
  }

  it('loses no acknowledged message and stores each exactly once, with gapless seqs, across SIGKILLs', async () => {
    const users = await Promise.all(Array.from({ length: USERS }, () => signUp()));
    const [owner, ...members] = users as [(typeof users)[number], ...typeof users];
    const chatIds = [await createGroup(owner, members, 'Crash one'), await createGroup(owner, members, 'Crash two')];

    const senders = new Senders(server.url, users, chatIds);
    const load = senders.run();
    const inFlightAtKill: number[] = [];
    for (let kill = 1; kill <= KILLS; kill += 1) {
      await whileLoaded(senders);
      inFlightAtKill.push(senders.inFlight);
      await server.kill();
      await server.start();
    }
    await whileLoaded(senders);
    senders.stop();
    await load;

    const stored = await withClient(databaseUrl, async (client) => {
      const rows = await client.query<{ id: string; chatId: string; seq: number; authorId: string; clientId: string }>(
        'SELECT "id", "chatId", "seq", "authorId", "clientId" FROM "Message" ORDER BY "chatId", "seq"',
      );
      const chats = await client.query<{ id: string; lastSeq: number }>('SELECT "id", "lastSeq" FROM "Chat" WHERE "id" = ANY($1)', [chatIds]);
      return { messages: rows.rows, lastSeq: new Map(chats.rows.map((chat) => [chat.id, chat.lastSeq])) };
    });
    const byClientId = new Map<string, (typeof stored.messages)[number][]>();
    for (const message of stored.messages) {
      const key = `${message.authorId}:${message.clientId}`;
      byClientId.set(key, [...(byClientId.get(key) ?? []), message]);
    }
    const duplicates = [...byClientId.values()].filter((copies) => copies.length > 1).length;
    console.log(
      `crash test: sent ${senders.sent}, acknowledged ${senders.acknowledged.size}, stored ${stored.messages.length}, duplicates ${duplicates}, kills ${KILLS}`,
    );

    // The kills hit a server under load, and the clients had to resend.
    expect(inFlightAtKill.every((count) => count > 0)).toBe(true);
    expect(senders.requests).toBeGreaterThan(senders.sent);
    // Every message was eventually acknowledged, once the server was back.
    expect(senders.acknowledged.size, senders.failures.slice(-5).join('\n')).toBe(senders.sent);

    expect(duplicates).toBe(0);
    for (const chatId of chatIds) {
      const seqs = stored.messages.filter((message) => message.chatId === chatId).map((message) => message.seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index + 1));
      expect(stored.lastSeq.get(chatId)).toBe(seqs.length);
    }
    for (const [key, acknowledged] of senders.acknowledged) {
      const [copy] = byClientId.get(key) ?? [];
      expect(copy, `acknowledged ${key} is not stored`).toBeDefined();
      expect({ id: copy!.id, seq: copy!.seq, chatId: copy!.chatId }).toEqual(acknowledged);
    }
    expect(stored.messages.length).toBe(senders.acknowledged.size);
  }, 120_000);
});
