import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { Logger } from 'pino';
import { PrismaClient } from '../generated/prisma/client';
import { type MigrationAdapterFactory, pgliteMigrationAdapter, postgresMigrationAdapter } from './migration-adapters';
import { applyMigrations } from './migrator';
import { openPGlite } from './pglite';
import { pgliteSql, postgresSql, type Sql } from './sql';

/** No query or transaction may take longer; migrations (which may) run without it. */
const QUERY_TIMEOUT_MS = 8_000;

export interface DatabaseOptions {
  /** A PostgreSQL server. Without it the embedded PGlite engine is used. */
  databaseUrl?: string;
  /** PostgreSQL connections at most in each of the two pools, Prisma's and the hot paths' (node-postgres' default, 10, when absent). */
  poolSize?: number;
  /** Where PGlite keeps its files; in memory when absent (tests). */
  pgliteDir?: string;
  /** Every statement is reported here, through Prisma or not (statement-count tests, debug logs). */
  onQuery?: (sql: string, params: unknown[]) => void;
}

/** Hears how long each statement took, by route: Prisma's, or the hot paths' `sql`. */
export type QueryTiming = (route: 'prisma' | 'sql', seconds: number) => void;

/** A pool's connections: open, idle, and requests waiting for one. */
export interface PoolUse {
  pool: 'prisma' | 'sql';
  total: number;
  idle: number;
  waiting: number;
}

export interface Database {
  engine: 'postgresql' | 'pglite';
  prisma: PrismaClient;
  /** The hot paths' route: the same connections as Prisma's, without its per-call cost. */
  sql: Sql;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** The PostgreSQL pools' use now (none on PGlite, which is one connection in this process). */
  pools(): PoolUse[];
  close(): Promise<void>;
}

/** Opens the database, brings its schema up to date, and returns a client for it. */
export async function openDatabase(options: DatabaseOptions, logger: Logger, timing?: QueryTiming): Promise<Database> {
  const { adapter, migrationAdapter, sql, closeDriver, engine, pools } = await connect(options, logger, timing);
  await applyMigrations(migrationAdapter, logger);

  const prisma = new PrismaClient({
    adapter,
    transactionOptions: { maxWait: QUERY_TIMEOUT_MS, timeout: QUERY_TIMEOUT_MS },
    log: options.onQuery || timing ? [{ emit: 'event', level: 'query' }] : [],
  });
  const { onQuery } = options;
  if (onQuery || timing) {
    prisma.$on('query' as never, (event: { query: string; params: string; duration: number }) => {
      onQuery?.(event.query, JSON.parse(event.params) as unknown[]);
      timing?.('prisma', event.duration / 1000);
    });
  }
  let closing: Promise<void> | undefined;
  return {
    engine,
    prisma,
    sql,
    ping: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
    pools,
    close: () =>
      (closing ??= (async () => {
        await prisma.$disconnect();
        await closeDriver();
      })()),
  };
}

/** The adapter for queries, and one for the schema engine (which needs a few corrections, see there). */
async function connect(options: DatabaseOptions, logger: Logger, timing: QueryTiming | undefined): Promise<{
  adapter: SqlDriverAdapterFactory;
  migrationAdapter: MigrationAdapterFactory;
  sql: Sql;
  closeDriver: () => Promise<void>;
  engine: Database['engine'];
  pools: Database['pools'];
}> {
  if (options.databaseUrl) {
    // A dead or unreachable server must fail requests within seconds, not leave them hanging.
    const pool = { connectionTimeoutMillis: 5_000 };
    const queries = { query_timeout: QUERY_TIMEOUT_MS, statement_timeout: QUERY_TIMEOUT_MS };
    // Sessions run in UTC: timestamps are stored without a zone.
    const connection = { ...pool, ...queries, max: options.poolSize, connectionString: options.databaseUrl };
    const driver = new pg.Pool({ ...connection, options: '-c TimeZone=UTC' });
    // The hot paths' pool: their few statements are prepared once per connection, and each is keyed
    // by ids, so one generic plan serves every call. Left to choose, PostgreSQL plans them again on
    // every call (a custom plan looks cheaper), which costs more than running them. Prisma's
    // statements keep the default: a search's plan may depend on its values.
    const hot = new pg.Pool({ ...connection, options: '-c TimeZone=UTC -c plan_cache_mode=force_generic_plan' });
    for (const each of [driver, hot]) {
      // An idle connection the server ends (a restart, a failover) is dropped; the next query opens another.
      each.on('error', (error) => logger.warn({ err: error }, 'database connection lost while idle'));
      // pool.end() lets a connection go before its goodbye is done; if the server ends it meanwhile,
      // the error it emits has no listener left and would crash the process.
      each.on('connect', (client) => client.on('error', () => {}));
    }
    return {
      adapter: new PrismaPg(driver),
      migrationAdapter: postgresMigrationAdapter(options.databaseUrl, pool),
      sql: postgresSql(hot, driver, options.onQuery, timing),
      closeDriver: async () => {
        await Promise.all([driver.end(), hot.end()]);
      },
      engine: 'postgresql',
      pools: () =>
        (
          [
            ['prisma', driver],
            ['sql', hot],
          ] as const
        ).map(([name, each]) => ({ pool: name, total: each.totalCount, idle: each.idleCount, waiting: each.waitingCount })),
    };
  }
  const pglite = await openPGlite(options.pgliteDir);
  return {
    adapter: new PrismaPGlite(pglite),
    migrationAdapter: pgliteMigrationAdapter(pglite),
    sql: pgliteSql(pglite, options.onQuery, timing),
    closeDriver: () => pglite.close(),
    engine: 'pglite',
    pools: () => [],
  };
}
