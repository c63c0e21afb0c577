// `npm run db:diff -- <name>`: writes the migration that takes the committed migrations to
// prisma/schema.prisma. Diffs on an in-memory PGlite, so it needs no database server.
import { access, mkdir, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pgliteMigrationAdapter } from '../migration-adapters';
import { MIGRATION_LOCKFILE, diffMigrationsToSchema } from '../migrator';
import { openPGlite } from '../pglite';

const MIGRATIONS_DIR = new URL('../../../prisma/migrations/', import.meta.url);
const NAME_PATTERN = /^[A-Za-z0-9_]+$/;

async function main(args: string[]): Promise<void> {
  const name = parseName(args);
  const pglite = await openPGlite();
  let script: string;
  try {
    // The database is a throwaway, so it doubles as the shadow database the diff replays onto.
    script = await diffMigrationsToSchema(pgliteMigrationAdapter(pglite, pglite));
  } finally {
    await pglite.close();
  }
  if (script === '') {
    console.log('No changes: the migrations already match prisma/schema.prisma.');
    return;
  }
  const migrationFile = await writeMigration(`${timestamp(new Date())}_${name}`, script);
  console.log(`Created ${display(migrationFile)}`);
  if (await writeLockfileIfMissing()) console.log(`Created ${display(new URL('migration_lock.toml', MIGRATIONS_DIR))}`);
}

function parseName(args: string[]): string {
  const [name, ...rest] = args;
  if (name === undefined || rest.length > 0) throw new Error('Usage: npm run db:diff -- <name>');
  if (!NAME_PATTERN.test(name)) {
    throw new Error(`Invalid migration name "${name}": use only letters, digits and "_".`);
  }
  return name;
}

/** `YYYYMMDDHHMMSS` in UTC, the prefix `prisma migrate dev` gives its migration directories. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

async function writeMigration(directoryName: string, script: string): Promise<URL> {
  const directory = new URL(`${directoryName}/`, MIGRATIONS_DIR);
  // Not recursive below migrations/: an existing directory of that name must fail, not be merged.
  await mkdir(MIGRATIONS_DIR, { recursive: true });
  await mkdir(directory);
  const file = new URL('migration.sql', directory);
  await writeFile(file, script, { flag: 'wx' });
  return file;
}

async function writeLockfileIfMissing(): Promise<boolean> {
  const lockfile = new URL('migration_lock.toml', MIGRATIONS_DIR);
  const exists = await access(lockfile).then(
    () => true,
    () => false,
  );
  if (!exists) await writeFile(lockfile, MIGRATION_LOCKFILE);
  return !exists;
}

function display(file: URL): string {
  return relative(process.cwd(), fileURLToPath(file));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`db:diff failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
