import type { Load, LoadJob } from './types';

/**
 * A bench worker: the runner starts it pinned to one core and sends it jobs over IPC. A job names
 * a module and one of its `loads`; the answer is that load's measurement.
 */
process.on('message', (message: { id: number; job: LoadJob }) => {
  void run(message.job).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) => process.send?.({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});

async function run(job: LoadJob) {
  const module = (await import(job.module)) as { loads?: Record<string, Load> };
  const load = module.loads?.[job.load] as ((params: unknown, timing: LoadJob) => ReturnType<Load>) | undefined;
  if (!load) throw new Error(`${job.module} exports no load named ${job.load}`);
  return load(job.params, job);
}

// The runner's IPC channel is this process's only reason to live.
process.on('disconnect', () => process.exit(0));
