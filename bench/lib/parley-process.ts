import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { answers200, freePort, SERVER_CORE, spawnPinned, stopProcess, waitUntil } from './processes';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const BUILT_ENTRY = join(ROOT, 'dist/main.js');

/**
 * How Parley is started, in this one place: the production build when there is one
 * (`npm run build` makes dist/main.js), the TypeScript sources through tsx otherwise.
 */
export function parleyCommand(): { args: string[]; label: string } {
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/profile" profiles the server under the bench's load.
  const extra = process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  if (buildScript() && existsSync(BUILT_ENTRY)) return { args: [...extra, '--enable-source-maps', BUILT_ENTRY], label: 'node --enable-source-maps dist/main.js' };
  return { args: [...extra, '--import', 'tsx', join(ROOT, 'src/main.ts')], label: 'node --import tsx src/main.ts' };
}

/** Runs `npm run build` when the project has that script, so that the bench measures what users run. */
export function buildParley(log: (line: string) => void): void {
  if (!buildScript()) return;
  log('npm run build');
  const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error(`npm run build failed (exit ${built.status})`);
}

/** The project's `build` script, if it has one (a dist/ without one would be a stale leftover). */
function buildScript(): string | undefined {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts?.build;
}

/** Everything Parley needs to run as in production, with the limits scaled out of the way. */
export function parleyEnvironment(database: { databaseUrl: string } | { dataDir: string }, jwtSecret: string): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|DATA_DIR|REDIS_URL|PORT|HOST)$/.test(name)));
  return {
    ...inherited,
    NODE_ENV: 'production',
    JWT_SECRET: jwtSecret,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_SCALE: '1000000',
    // Setup signs up users through the API; the lowest cost keeps that short and changes nothing measured.
    BCRYPT_COST: '10',
    // A full run outlasts the default 15 minutes; tokens made at setup must stay valid throughout.
    ACCESS_TOKEN_TTL: '12h',
    ...('databaseUrl' in database ? { DATABASE_URL: database.databaseUrl } : { DATA_DIR: database.dataDir }),
  };
}

export interface ParleyProcess {
  /** http://127.0.0.1:<port>/graphql */
  url: string;
  /** The server process's id (taskset execs Parley in place), for reading its memory. */
  pid: number;
  stop(): Promise<void>;
}

/** Starts Parley pinned to the server core and resolves when /readyz answers (its database is reachable). */
export async function startParleyProcess(env: NodeJS.ProcessEnv, logFile: string): Promise<ParleyProcess> {
  const port = await freePort();
  const output = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawnPinned(SERVER_CORE, process.execPath, parleyCommand().args, {
      cwd: ROOT,
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', output, output],
    });
  } finally {
    closeSync(output);
  }
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntil('Parley', () => answers200(`${base}/readyz`), child);
  } catch (error) {
    await stopProcess(child);
    throw new Error(`${(error as Error).message}; its output is in ${logFile}:\n${tail(logFile)}`);
  }
  return { url: `${base}/graphql`, pid: child.pid!, stop: () => stopProcess(child) };
}

function tail(file: string): string {
  return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
}
