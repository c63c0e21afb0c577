import { freePort, SERVER_CORE, spawnPinned, stopProcess, waitUntil } from './processes';
import { ROOT } from './parley-process';

export interface ServerProcess {
  url: string;
  /** The script's process id (taskset execs it in place), for reading its memory. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a baseline server script (TypeScript, through tsx) pinned to the server core, in
 * production mode, with `env` added to this process's environment, and resolves once it
 * answers `{ __typename }` on /graphql.
 */
export async function startServerScript(script: string, name: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawnPinned(SERVER_CORE, process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, ...env, NODE_ENV: 'production', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  const probe = async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    await response.arrayBuffer();
    return response.status === 200;
  };
  try {
    await waitUntil(name, probe, child, 30_000);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { url, pid: child.pid!, stop: () => stopProcess(child, 5_000) };
}
