import { type ChildProcess, spawn, spawnSync, type StdioOptions } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';

/** The server under test (Parley, or a baseline standing in for it) runs here... */
export const SERVER_CORE = 0;
/** ...and the load generator here, so that neither takes the other's CPU. */
export const LOAD_CORE = 1;

let tasksetWorks: boolean | undefined;

/** Every child still running; killed if the runner exits without stopping them (a crash, an uncaught error). */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** True when processes can be pinned: `taskset` exists and there are at least two cores. */
export function canPin(): boolean {
  tasksetWorks ??= availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  return tasksetWorks;
}

/** Starts `command` on one core (through taskset) when pinning is possible, unpinned otherwise. */
export function spawnPinned(
  core: number,
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; stdio?: StdioOptions; cwd?: string } = {},
): ChildProcess {
  const [file, argv] = canPin() ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
  const child = spawn(file, argv, { cwd: options.cwd, env: options.env ?? process.env, stdio: options.stdio ?? 'ignore' });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** A port nobody listens on right now (the machine runs other servers: never assume one). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resolves once `probe` returns true; fails when the process exits first or the time is up. */
export async function waitUntil(what: string, probe: () => Promise<boolean>, child: ChildProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} was not ready within ${timeoutMs / 1000} s`);
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Answers true when an HTTP GET of `url` returns 200. */
export async function answers200(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.arrayBuffer();
  return response.status === 200;
}
