import { execFileSync } from 'node:child_process';

/** The repository root, where `npm start` runs. */
export const ROOT = new URL('../../', import.meta.url).pathname;

const START_ARGS = ['--enable-source-maps', 'dist/main.js'];
let built = false;

/**
 * The arguments `npm start` gives node, for tests that run the server as a child process: the
 * production build (scripts/build.mjs, what `prestart` runs; a fraction of a second) is made once
 * per test file first, so those tests run the server exactly as it is deployed.
 */
export function serverStartArgs(): string[] {
  if (!built) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
    built = true;
  }
  return START_ARGS;
}
