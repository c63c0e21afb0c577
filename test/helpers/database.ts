import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseOptions } from '../../src/db/database';

export interface TestDatabase {
  options: DatabaseOptions;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test file: in-memory PGlite by default, or a new database on
 * the PostgreSQL server of TEST_DATABASE_URL (created here, dropped by `drop`).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return { options: {}, drop: async () => {} };
  return createPostgresDatabase(serverUrl);
}

/**
 * A new, empty database on the PostgreSQL server at `serverUrl`; `drop` removes it. With `encoding`
 * (e.g. LATIN1) it is made from template0 with the C locale, which suits any encoding.
 */
export async function createPostgresDatabase(serverUrl: string, options: { encoding?: 'LATIN1' } = {}): Promise<TestDatabase> {
  const name = `parley_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const encoding = options.encoding ? ` ENCODING '${options.encoding}' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'` : '';
  await withAdmin(serverUrl, (client) => client.query(`CREATE DATABASE ${name}${encoding}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    options: { databaseUrl: url.toString() },
    drop: () => withAdmin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

async function withAdmin<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
