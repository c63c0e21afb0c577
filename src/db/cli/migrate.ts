import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../config/config';
import { createLogger } from '../../server/logger';
import { openDatabase } from '../database';

/** `npm run db:migrate`: applies pending migrations to the configured database (the server does this at start too). */
try {
  const config = loadConfig();
  const database = await openDatabase(
    { databaseUrl: config.databaseUrl, pgliteDir: join(config.dataDir, 'pglite') },
    createLogger(config),
  );
  await database.close();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
