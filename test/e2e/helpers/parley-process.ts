import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase, type TestDatabase } from '../../helpers/database';
import { ROOT } from '../../helpers/server-process';

const READY_TIMEOUT_MS = 60_000;

/**
 * A free port below Linux's ephemeral range (32768 and up), so that no outgoing connection of the
 * machine's other work takes it while Parley is down for a restart.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer()
        .once('error', () => resolve(false))
        .listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/**
 * Parley as `npm start` runs it (dist/main.js, serving web/dist), in production mode, as a child
 * process on a port that stays the same across restarts, so that browsers reconnect to it. Its
 * data lives in a folder of its own (PGlite) or, with TEST_DATABASE_URL, a database made for it.
 */
export class ParleyProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly database: TestDatabase | undefined,
    private readonly log: WriteStream,
  ) {}

  static async create(options: { env?: Record<string, string>; logFile: string }): Promise<ParleyProcess> {
    const port = await freePort();
    const database = process.env.TEST_DATABASE_URL ? await createPostgresDatabase(process.env.TEST_DATABASE_URL) : undefined;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      JWT_SECRET: 'e2e-secret-that-is-long-enough-for-hs256-0123456789',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-e2e-')),
      BCRYPT_COST: '10',
      LOG_LEVEL: 'info',
      RATE_LIMIT_SCALE: '1000',
      ...(database?.options.databaseUrl ? { DATABASE_URL: database.options.databaseUrl } : {}),
      ...options.env,
    };
    return new ParleyProcess(port, env, database, createWriteStream(options.logFile, { flags: 'a' }));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--enable-source-maps', 'dist/main.js'], { cwd: ROOT, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`Parley exited with ${child.exitCode}; see its log`);
      const ready = await fetch(`${this.url}readyz`).then((response) => response.ok, () => false);
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('Parley did not become ready');
  }

  /** SIGTERM, as a deployment stops it: sockets are closed (1001) and requests finished. */
  async stop(): Promise<void> {
    this.child?.kill('SIGTERM');
    await this.exited;
    this.child = undefined;
  }

  async dispose(): Promise<void> {
    await this.stop();
    await this.database?.drop();
    await new Promise((resolve) => this.log.end(resolve));
  }
}
