import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseRefusal, isUniqueViolation } from '../../../src/db/errors';
import { clientFaultOf } from '../../../src/server/format-error';
import { createPostgresDatabase, type TestDatabase } from '../../helpers/database';

/**
 * The hot paths query through node-postgres and PGlite directly, not only through Prisma: their
 * errors must map to the same contract errors. Each statement here makes the real driver fail.
 */
const SCHEMA = `CREATE TABLE "Thing" (
  "id" int PRIMARY KEY,
  "name" text CONSTRAINT "Thing_name_key" UNIQUE,
  "bio" text CONSTRAINT "Thing_bio_check" CHECK (length("bio") < 5),
  "code" varchar(3),
  "small" smallint
)`;

const cases: [label: string, sql: string, params: unknown[], sqlState: string, code: string, field: string | undefined][] = [
  ['a unique violation', 'INSERT INTO "Thing" ("id", "name") VALUES (2, $1)', ['taken'], '23505', 'CONFLICT', 'name'],
  ['a check violation', 'INSERT INTO "Thing" ("id", "bio") VALUES (3, $1)', ['far too long'], '23514', 'BAD_USER_INPUT', 'bio'],
  ['a string too long', 'INSERT INTO "Thing" ("id", "code") VALUES (4, $1)', ['abcd'], '22001', 'BAD_USER_INPUT', undefined],
  ['a number out of range', 'INSERT INTO "Thing" ("id", "small") VALUES (5, $1)', [100_000], '22003', 'BAD_USER_INPUT', undefined],
  ['a NUL in text', 'INSERT INTO "Thing" ("id", "bio") VALUES (6, $1)', ['a\u0000'], '22021', 'BAD_USER_INPUT', undefined],
  ['text that is not a number', 'SELECT $1::int', ['abc'], '22P02', 'BAD_USER_INPUT', undefined],
  ['text that is not a time', 'SELECT $1::timestamp', ['yesterday at noon'], '22007', 'BAD_USER_INPUT', undefined],
  ['a time out of range', 'SELECT $1::timestamp', ['300000-01-01'], '22008', 'BAD_USER_INPUT', undefined],
];
// PGlite's build has no encoding conversions (convert_to leaves it unable to answer): PostgreSQL only.
const untranslatable: (typeof cases)[number] = ['a character the target encoding lacks', `SELECT convert_to($1, 'LATIN1')`, ['😀'], '22P05', 'BAD_USER_INPUT', undefined];

function expectMapped(error: unknown, sqlState: string, code: string, field: string | undefined): void {
  expect(databaseRefusal(error)).toEqual({ sqlState, column: field });
  expect(clientFaultOf(error)).toMatchObject({ code, field });
  expect(isUniqueViolation(error)).toBe(sqlState === '23505');
}

describe('PGlite errors', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec(SCHEMA);
    await db.query('INSERT INTO "Thing" ("id", "name") VALUES (1, $1)', ['taken']);
  });
  afterAll(() => db.close());

  it.each(cases)('map %s', async (_, sql, params, sqlState, code, field) => {
    const error = await db.query(sql, params).then(() => undefined, (caught: unknown) => caught);
    expectMapped(error, sqlState, code, field);
  });
});

const postgresUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!postgresUrl)('node-postgres errors (PostgreSQL only)', () => {
  let database: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    database = await createPostgresDatabase(postgresUrl!);
    client = new pg.Client({ connectionString: database.options.databaseUrl });
    await client.connect();
    await client.query(SCHEMA);
    await client.query('INSERT INTO "Thing" ("id", "name") VALUES (1, $1)', ['taken']);
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it.each([...cases, untranslatable])('map %s', async (_, sql, params, sqlState, code, field) => {
    const error = await client.query(sql, params).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(pg.DatabaseError);
    expectMapped(error, sqlState, code, field);
  });
});

describe('other errors', () => {
  it('are no refusal: a plain error, a system error with a code, a string', () => {
    expect(databaseRefusal(new Error('boom'))).toBeUndefined();
    expect(databaseRefusal(Object.assign(new Error('pipe'), { code: 'EPIPE' }))).toBeUndefined();
    expect(databaseRefusal('23505')).toBeUndefined();
  });
});
