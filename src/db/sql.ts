import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { QueryTiming } from './database';

/**
 * The hot paths' route to the database: one SQL text, run through the driver under Prisma (the
 * node-postgres pool, or PGlite's own `query`), at a fraction of a Prisma call's cost. Everything
 * that is not hot stays on Prisma's client.
 */
export interface Sql {
  /** Runs one statement with `$1`-style parameters and returns its rows. */
  query<TRow>(text: string, values?: unknown[], options?: QueryOptions): Promise<TRow[]>;
}

export interface QueryOptions {
  /**
   * Plan the statement for this call's values, every call. The hot paths' statements are keyed by
   * ids and keep one generic plan; a search's best plan depends on its words (a rare one: the
   * text index; a common one: the viewer's chats, newest first), which a generic plan cannot see.
   */
  planEachCall?: boolean;
}

const TIMESTAMP_OID = 1114;

/** Timestamps are stored as UTC without a zone (as Prisma writes them): read them as UTC, whatever TZ says. */
function parseTimestamp(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}Z`);
}

/** A zone-less timestamp read through JSON is text without a zone: the stored UTC time, as a Date. */
export function jsonTimestamp<TValue extends Date | string | null | undefined>(value: TValue): Date | Exclude<TValue, string> {
  return typeof value === 'string' ? new Date(`${value}Z`) : (value as Exclude<TValue, string>);
}

/** Columns `names` of the row aliased `alias`, for a SELECT list. */
export const columnsOf = (alias: string, names: readonly string[]) => names.map((name) => `${alias}."${name}"`).join(', ');

/** Columns `names` of the row aliased `alias` as one JSON object keyed by name, with `extra` keys and SQL values besides. */
export const jsonObjectOf = (alias: string, names: readonly string[], extra: Record<string, string> = {}) =>
  `json_build_object(${[...names.map((name) => `'${name}', ${alias}."${name}"`), ...Object.entries(extra).map(([key, value]) => `'${key}', ${value}`)].join(', ')})`;

/** Distinct statement texts that get a prepared statement on each connection; the rest are parsed every time. */
const PREPARED_STATEMENTS_MAX = 200;

/**
 * The hot paths' route on PostgreSQL: `pool` runs with generic plans (see openDatabase); statements
 * planned each call run unnamed on `plannedPool`, whose sessions keep PostgreSQL's default plan
 * choice (an unnamed statement is parsed, and so planned, anew every time).
 */
export function postgresSql(pool: pg.Pool, plannedPool: pg.Pool, onQuery?: (text: string, values: unknown[]) => void, timing?: QueryTiming): Sql {
  // The hot paths' texts are few and fixed: each is parsed and planned once per connection, and
  // later runs send only its name and values (a fraction of the bytes and of the server's work).
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (!name && names.size < PREPARED_STATEMENTS_MAX) names.set(text, (name = `parley_${names.size + 1}`));
    return name;
  };
  const types = {
    getTypeParser: ((oid: number, format?: string) =>
      oid === TIMESTAMP_OID ? parseTimestamp : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
  };
  return {
    async query<TRow>(text: string, values: unknown[] = [], options?: QueryOptions) {
      onQuery?.(text, values);
      const started = performance.now();
      try {
        const result = options?.planEachCall ? await plannedPool.query({ text, values, types }) : await pool.query({ name: nameOf(text), text, values, types });
        return result.rows as TRow[];
      } finally {
        timing?.('sql', (performance.now() - started) / 1000);
      }
    },
  };
}

/** PGlite runs every statement unnamed: each is planned for its own values. */
export function pgliteSql(pglite: PGlite, onQuery?: (text: string, values: unknown[]) => void, timing?: QueryTiming): Sql {
  const parsers = { [TIMESTAMP_OID]: parseTimestamp };
  return {
    async query<TRow>(text: string, values: unknown[] = []) {
      onQuery?.(text, values);
      const started = performance.now();
      try {
        const result = await pglite.query<TRow>(text, values, { parsers });
        return result.rows;
      } finally {
        timing?.('sql', (performance.now() - started) / 1000);
      }
    },
  };
}
