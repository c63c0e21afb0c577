import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // type-graphql and our code must share one copy of graphql (ESM), or schema building
    // fails with "Cannot use GraphQLObjectType from another module or realm".
    alias: { graphql: fileURLToPath(new URL('node_modules/graphql/index.js', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts', 'web/src/**/*.test.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most of a test's time is spent waiting on sockets and databases: three files at once on two cores.
    maxWorkers: 3,
    // Memory checks (the fuzz test) collect garbage before they measure.
    execArgv: ['--expose-gc'],
  },
});
