import { defineConfig } from 'vitest/config';

// The browser tests (`npm run test:e2e`): Debian's Chromium driven by playwright-core against Parley
// as `npm start` runs it (dist/main.js serving web/dist, both built first by the global setup).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    globalSetup: ['test/e2e/helpers/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One browser and one server at a time: the scenarios time sockets and reconnects.
    fileParallelism: false,
    maxWorkers: 1,
  },
});
