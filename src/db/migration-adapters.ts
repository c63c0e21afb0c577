// Driver adapter factories fit for the schema engine: the stock adapters need a few corrections
// (shadow databases, whole-script execution, error shapes) before migrations run reliably on them.
import { randomUUID } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { Pool, PoolConfig, QueryConfig, QueryResult } from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { openPGlite } from './pglite';

export type MigrationAdapterFactory = SqlMigrationAwareDriverAdapterFactory;
type PgAdapter = SqlDriverAdapter & { underlyingDriver(): Pool };

export function isPgAdapter(adapter: SqlDriverAdapter): adapter is PgAdapter {
  return adapter.adapterName === '@prisma/adapter-pg' && 'underlyingDriver' in adapter;
}

/**
 * `prisma migrate deploy` sends a migration as one simple query, which PostgreSQL runs atomically;
 * @prisma/adapter-pg splits it on every `;` (even inside strings and function bodies) instead.
 */
export function runScriptsWhole(adapter: PgAdapter): void {
  adapter.executeScript = (script) => runScript(() => adapter.underlyingDriver().query(script));
}

/**
 * A PrismaPg factory whose shadow database works. With `new PrismaPg({ connectionString })` pg lets
 * the connection string's database win over the shadow's, so diffs replay onto the main database.
 */
export function postgresMigrationAdapter(
  connectionString: string,
  poolConfig: Omit<PoolConfig, 'connectionString'> = {},
): MigrationAdapterFactory {
  const main = new PrismaPg({ ...poolConfig, connectionString });
  const shadowFactory = (database: string): PrismaPg => {
    const url = new URL(connectionString);
    url.pathname = `/${database}`;
    return new PrismaPg({ ...poolConfig, connectionString: url.href });
  };
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: () => main.connect(),
    connectToShadowDb: () => connectToPostgresShadowDb(main, shadowFactory),
  };
}

async function connectToPostgresShadowDb(
  main: PrismaPg,
  shadowFactory: (database: string) => PrismaPg,
): Promise<SqlDriverAdapter> {
  const database = `prisma_migrate_shadow_db_${randomUUID()}`;
  const admin = await main.connect();
  try {
    await admin.executeScript(`CREATE DATABASE "${database}"`);
  } catch (error: unknown) {
    await admin.dispose();
    throw error;
  }
  const shadow = await shadowFactory(database).connect();
  readCharAsText(shadow.underlyingDriver());
  const closeShadow = shadow.dispose.bind(shadow);
  shadow.dispose = async () => {
    await closeShadow();
    await admin.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
    await admin.dispose();
  };
  return shadow;
}

/**
 * The engine's catalog queries return PostgreSQL's internal "char" type (e.g. pg_constraint.contype),
 * which @prisma/adapter-pg 7.10.1 rejects as unsupported although pg decodes it as text.
 */
function readCharAsText(pool: Pool): void {
  const query = pool.query.bind(pool) as (config: QueryConfig) => Promise<QueryResult>;
  const relabeled = async (config: QueryConfig): Promise<QueryResult> => {
    const result = await query(config);
    // Multi-statement scripts resolve to an array of results; those carry no rows to decode.
    if (!Array.isArray(result.fields)) return result;
    for (const field of result.fields) if (field.dataTypeID === 18 /* "char" */) field.dataTypeID = 25 /* text */;
    return result;
  };
  pool.query = relabeled as Pool['query'];
}

/**
 * A PrismaPGlite factory fit for migrations. pglite-prisma-adapter 0.7.2 does not await its scripts
 * (a failing migration is recorded as applied and its error escapes as an unhandled rejection) and
 * never closes the PGlite it opens as shadow database. `shadow`, when given, is an empty PGlite the
 * caller owns and lets diffs write to; otherwise each diff starts and closes a fresh in-memory one.
 */
export function pgliteMigrationAdapter(pglite: PGlite, shadow?: PGlite): MigrationAdapterFactory {
  return {
    provider: 'postgres',
    adapterName: 'pglite-prisma-adapter',
    connect: () => connectToPGlite(pglite),
    connectToShadowDb: async () => {
      if (shadow) return connectToPGlite(shadow);
      const fresh = await openPGlite();
      const adapter = await connectToPGlite(fresh);
      adapter.dispose = () => fresh.close();
      return adapter;
    },
  };
}

async function connectToPGlite(pglite: PGlite): Promise<SqlDriverAdapter> {
  const adapter = await new PrismaPGlite(pglite).connect();
  adapter.executeScript = (script) => runScript(() => pglite.exec(script));
  return adapter;
}

type DatabaseError = Error & { code: string; severity?: string; detail?: string; column?: string; hint?: string };

/** Database errors must reach the engine as DriverAdapterErrors, or it cannot say what failed. */
async function runScript(execute: () => Promise<unknown>): Promise<void> {
  try {
    await execute();
  } catch (error: unknown) {
    if (!(error instanceof Error) || typeof (error as Partial<DatabaseError>).code !== 'string') throw error;
    const { code, severity = 'ERROR', message, detail, column, hint } = error as DatabaseError;
    throw new DriverAdapterError({ kind: 'postgres', code, severity, message, detail, column, hint });
  }
}
