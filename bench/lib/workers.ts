import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './parley-process';
import { LOAD_CORE, SERVER_CORE, spawnPinned, stopProcess } from './processes';
import type { LoadJob, Measurement } from './types';

const WORKER = join(ROOT, 'bench/lib/worker.ts');

type Reply = { id: number; result: Measurement } | { id: number; error: string };

/** One long-lived Node process pinned to one core, running jobs sent over IPC one at a time. */
class PinnedWorker {
  private child: ChildProcess | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(result: Measurement): void; reject(error: Error): void }>();

  constructor(private readonly core: number) {}

  run(job: LoadJob): Promise<Measurement> {
    const child = this.process();
    const id = (this.nextId += 1);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ id, job });
    });
  }

  async close(): Promise<void> {
    if (this.child) await stopProcess(this.child, 5_000);
  }

  private process(): ChildProcess {
    if (this.child) return this.child;
    const child = spawnPinned(this.core, process.execPath, ['--import', 'tsx', WORKER], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if ('error' in reply) waiting?.reject(new Error(reply.error));
      else waiting?.resolve(reply.result);
    });
    child.on('exit', (code, signal) => {
      this.child = undefined;
      for (const waiting of this.pending.values()) waiting.reject(new Error(`bench worker exited (${code ?? signal})`));
      this.pending.clear();
    });
    this.child = child;
    return child;
  }
}

/**
 * Where loads run: `load` on the load generator's core (clients of a server under test),
 * `server` on the server's core (a baseline that stands in for Parley, e.g. node-postgres doing
 * the same write), so that a baseline gets exactly the CPU Parley gets.
 */
export class Workers {
  private readonly loadWorker = new PinnedWorker(LOAD_CORE);
  private readonly serverWorker = new PinnedWorker(SERVER_CORE);

  load(job: LoadJob): Promise<Measurement> {
    return this.loadWorker.run(job);
  }

  server(job: LoadJob): Promise<Measurement> {
    return this.serverWorker.run(job);
  }

  async close(): Promise<void> {
    await Promise.all([this.loadWorker.close(), this.serverWorker.close()]);
  }
}
