import { openPGlite } from '../../src/db/pglite';
import pg from 'pg';

/** How a process reaches Parley's database directly: a PostgreSQL URL, or PGlite's files (while Parley is stopped). */
export type DbSpec = { kind: 'postgresql'; url: string } | { kind: 'pglite'; dir: string };

export interface Queryable {
  query<R>(text: string, params?: unknown[]): Promise<R[]>;
}

/** The same SQL on PostgreSQL (a pool) and on PGlite (one in-process connection). */
export interface Sql extends Queryable {
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openSql(spec: DbSpec, poolSize = 2): Promise<Sql> {
  return spec.kind === 'postgresql' ? postgres(spec.url, poolSize) : pglite(spec.dir);
}

function postgres(url: string, poolSize: number): Sql {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  return {
    query: async <R>(text: string, params?: unknown[]) => (await pool.query(text, params)).rows as R[],
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({ query: async <R>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as R[] });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

async function pglite(dir: string): Promise<Sql> {
  const db = await openPGlite(dir);
  return {
    query: async <R>(text: string, params?: unknown[]) => (await db.query<R>(text, params)).rows,
    transaction: (work) => db.transaction((tx) => work({ query: async <R>(text: string, params?: unknown[]) => (await tx.query<R>(text, params)).rows })),
    close: () => db.close(),
  };
}

/** A UUIDv7 (time-ordered, as Prisma's uuid(7) default makes), so baseline rows index like Parley's. */
export function uuid7(now = Date.now()): string {
  const hex = now.toString(16).padStart(12, '0') + '7' + randomHex(3) + (8 + Math.floor(Math.random() * 4)).toString(16) + randomHex(15);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function randomHex(digits: number): string {
  let text = '';
  for (let i = 0; i < digits; i += 1) text += Math.floor(Math.random() * 16).toString(16);
  return text;
}

/** The same in SQL, for rows written in bulk: `at` a timestamp expression, `seed` anything that differs per row. */
export function uuid7Sql(at: string, seed: string): string {
  const random = `md5(random()::text || ${seed}::text)`;
  return `(lpad(to_hex((extract(epoch FROM ${at}) * 1000)::bigint), 12, '0') || '7' || substr(${random}, 1, 3) || '8' || substr(${random}, 4, 15))::uuid::text`;
}
