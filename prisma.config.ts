import { existsSync } from 'node:fs';
import { defineConfig } from 'prisma/config';

// `prisma generate` never runs the schema engine but refuses to start without one; its
// binaries cannot be downloaded everywhere, so point it at any existing file. Migrations go
// through the WebAssembly schema engine instead (src/db/migrator.ts).
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(process.env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = 'package.json';
}

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
