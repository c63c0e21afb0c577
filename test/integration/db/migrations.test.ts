import { describe, expect, it } from 'vitest';
import { pgliteMigrationAdapter, postgresMigrationAdapter } from '../../../src/db/migration-adapters';
import { applyMigrations, diffMigrationsToSchema } from '../../../src/db/migrator';
import { openPGlite } from '../../../src/db/pglite';
import { createTestDatabase } from '../../helpers/database';

/** The engine under test: the PostgreSQL of TEST_DATABASE_URL, else embedded PGlite. */
async function withMigrationAdapter(work: (adapter: ReturnType<typeof pgliteMigrationAdapter>) => Promise<void>): Promise<void> {
  const database = await createTestDatabase();
  if (database.options.databaseUrl) {
    try {
      await work(postgresMigrationAdapter(database.options.databaseUrl));
    } finally {
      await database.drop();
    }
    return;
  }
  const pglite = await openPGlite();
  try {
    await work(pgliteMigrationAdapter(pglite));
  } finally {
    await pglite.close();
  }
}

describe('migrations', () => {
  // Two databases (the target and a shadow) each load the schema engine's work and PGlite's extensions: slow on a busy machine.
  it('produce exactly prisma/schema.prisma (a schema change without a migration fails here)', async () => {
    await withMigrationAdapter(async (adapter) => {
      expect(await diffMigrationsToSchema(adapter)).toBe('');
    });
  }, 120_000);

  it('apply once and then find nothing left to apply', async () => {
    await withMigrationAdapter(async (adapter) => {
      expect((await applyMigrations(adapter)).length).toBeGreaterThan(0);
      expect(await applyMigrations(adapter)).toEqual([]);
    });
  });
});
