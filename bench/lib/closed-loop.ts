import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import { failureLog } from './failures';
import { CheckFailure, type LoadDriver, type Measurement, type Timing } from './types';

/**
 * Runs every client of `driver` back to back (a closed loop: each waits for its answer before the
 * next operation), first for the warm-up, then for the measured window. Throughput counts the
 * operations of the measured window over the time until its last one finished; latency is per
 * operation. Any failure, in the warm-up too, is counted by code.
 */
export async function runClosedLoop(driver: LoadDriver, timing: Timing): Promise<Measurement> {
  const { failures, samples, fail: record } = failureLog();
  const fail = (error: unknown) =>
    record(error instanceof CheckFailure ? error.code : ((error as { code?: string }).code ?? 'EXCEPTION'), (error as Error).message);
  try {
    const warmup = await phase(driver, timing.warmupMs, fail);
    const measured = await phase(driver, timing.measureMs, fail);
    const histogram = measured.histogram;
    const result: Measurement = {
      throughput: measured.ok / (measured.elapsedMs / 1000),
      p50: histogram.getValueAtPercentile(50) / 1000,
      p99: histogram.getValueAtPercentile(99) / 1000,
      max: histogram.maxValue / 1000,
      count: measured.ok,
      completed: warmup.ok + measured.ok,
      failures,
      samples,
    };
    histogram.destroy();
    warmup.histogram.destroy();
    return result;
  } finally {
    await driver.close();
  }
}

async function phase(driver: LoadDriver, durationMs: number, fail: (error: unknown) => void) {
  // Microseconds, up to 2 minutes, 3 significant digits.
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
  let ok = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const loop = async (client: number) => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      try {
        await driver.once(client);
        histogram.recordValue(Math.max(1, Math.round((performance.now() - sent) * 1000)));
        ok += 1;
      } catch (error) {
        fail(error);
      }
    }
  };
  await Promise.all(Array.from({ length: driver.clients }, (_, client) => loop(client)));
  return { ok, histogram, elapsedMs: performance.now() - started };
}
