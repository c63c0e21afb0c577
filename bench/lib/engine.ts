import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type ParleyProcess, parleyEnvironment, startParleyProcess } from './parley-process';
import { type DbSpec, openSql, type Sql } from './sql';

export const DEFAULT_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * Parley on one database engine, with its database reachable directly (to check what was stored,
 * to grow tables, and for the baselines). PGlite lives inside one process, so on that engine
 * Parley is stopped while anything else opens its files, and started again when next needed.
 */
export interface Engine {
  kind: 'postgresql' | 'pglite';
  label: string;
  /** The database belongs to one process at a time (PGlite): Parley stops while anything else opens it. */
  exclusive: boolean;
  /** The /graphql URL of a running Parley (started on demand; the port may change after a restart). */
  parleyUrl(): Promise<string>;
  /** The process id of that running Parley (started on demand), to read its resident memory. */
  parleyPid(): Promise<number>;
  /** Stops the running Parley: the next parleyUrl() starts a fresh process (S2 measures memory from one). */
  restartParley(): Promise<void>;
  /**
   * One more Parley on the same database with the same JWT secret (tokens made through the first
   * are valid on it), with `env` added (REDIS_URL for instances that share events). PostgreSQL only.
   */
  startInstance(name: string, env: NodeJS.ProcessEnv): Promise<ParleyProcess>;
  /** Direct SQL on Parley's database. */
  sql<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
  /** How a baseline process opens the same database (on PGlite, Parley is stopped first). */
  release(): Promise<DbSpec>;
  close(): Promise<void>;
}

interface EngineOptions {
  logDir: string;
  log(line: string): void;
}

abstract class ParleyHost {
  private running: ParleyProcess | undefined;
  /** Parley has run once: the database exists and is migrated. */
  protected started = false;
  private readonly jwtSecret = randomBytes(36).toString('base64url');

  protected constructor(
    private readonly options: EngineOptions,
    private readonly logName: string,
  ) {}

  protected abstract database(): { databaseUrl: string } | { dataDir: string };

  async parleyUrl(): Promise<string> {
    if (!this.running) {
      const started = Date.now();
      this.running = await startParleyProcess(parleyEnvironment(this.database(), this.jwtSecret), join(this.options.logDir, this.logName));
      this.started = true;
      this.options.log(`    Parley started in ${((Date.now() - started) / 1000).toFixed(1)} s (${this.running.url})`);
    }
    return this.running.url;
  }

  async parleyPid(): Promise<number> {
    await this.parleyUrl();
    return this.running!.pid;
  }

  restartParley(): Promise<void> {
    return this.stopParley();
  }

  async startInstance(name: string, env: NodeJS.ProcessEnv): Promise<ParleyProcess> {
    const database = this.database();
    if (!('databaseUrl' in database)) throw new Error('A second Parley instance needs a database server (PostgreSQL)');
    return startParleyProcess({ ...parleyEnvironment(database, this.jwtSecret), ...env }, join(this.options.logDir, `parley-${name}.log`));
  }

  protected async stopParley(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.stop();
  }
}

class PostgresEngine extends ParleyHost implements Engine {
  readonly kind = 'postgresql';
  readonly label = 'PostgreSQL';
  readonly exclusive = false;
  private direct: Sql | undefined;

  constructor(
    options: EngineOptions,
    private readonly adminUrl: string,
    private readonly name: string,
    private readonly url: string,
  ) {
    super(options, 'parley-postgresql.log');
  }

  static async create(options: EngineOptions, adminUrl: string): Promise<PostgresEngine> {
    const name = `parley_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
    await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return new PostgresEngine(options, adminUrl, name, url.toString());
  }

  protected database() {
    return { databaseUrl: this.url };
  }

  async sql<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    this.direct ??= await openSql({ kind: 'postgresql', url: this.url });
    return work(this.direct);
  }

  async release(): Promise<DbSpec> {
    return { kind: 'postgresql', url: this.url };
  }

  async close(): Promise<void> {
    await this.stopParley();
    await this.direct?.close();
    await withAdmin(this.adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`));
  }
}

class PgliteEngine extends ParleyHost implements Engine {
  readonly kind = 'pglite';
  readonly label = 'PGlite (embedded)';
  readonly exclusive = true;
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));

  constructor(options: EngineOptions) {
    super(options, 'parley-pglite.log');
  }

  protected database() {
    return { dataDir: this.dataDir };
  }

  /** Where Parley keeps PGlite's files under DATA_DIR (src/server/parley.ts). */
  private get pgliteDir(): string {
    return join(this.dataDir, 'pglite');
  }

  async sql<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    const spec = await this.release();
    const sql = await openSql(spec);
    try {
      return await work(sql);
    } finally {
      await sql.close();
    }
  }

  async release(): Promise<DbSpec> {
    // Parley must have created and migrated the database before anyone else opens it.
    if (!this.started) await this.parleyUrl();
    await this.stopParley();
    return { kind: 'pglite', dir: this.pgliteDir };
  }

  async close(): Promise<void> {
    await this.stopParley();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export async function createEngine(kind: Engine['kind'], options: EngineOptions & { adminUrl: string }): Promise<Engine> {
  return kind === 'postgresql' ? PostgresEngine.create(options, options.adminUrl) : new PgliteEngine(options);
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
