import type { Engine } from './engine';
import type { Workers } from './workers';

/** What one measured round of one contender produced. */
export interface Measurement {
  /** Completed operations per second in the measured window. */
  throughput: number;
  /** Latency percentiles of single operations, in milliseconds. */
  p50: number;
  p99: number;
  max: number;
  /** Operations counted in the measured window. */
  count: number;
  /** Successful operations including the warm-up: what a row count afterwards must match. */
  completed: number;
  /** Failed operations by code (GraphQL extensions.code, HTTP status, or a check that did not hold); empty when valid. */
  failures: Record<string, number>;
  /** A few failure messages, for the report. */
  samples: string[];
}

/** The medians of a contender's rounds, and the rounds themselves. */
export interface Summary {
  name: string;
  throughput: number;
  p50: number;
  p99: number;
  rounds: Measurement[];
  /** Failures summed over all rounds (any failure makes the row invalid). */
  failures: Record<string, number>;
  samples: string[];
}

export interface Goal {
  text: string;
  /** null: reported only, no goal. */
  met: boolean | null;
}

/** One line of the table: Parley against one baseline. */
export interface Row {
  scenario: string;
  title: string;
  engine: Engine['kind'];
  unit: string;
  parley: Summary;
  baseline: Summary | null;
  /** Median over rounds of Parley's throughput divided by the baseline's in the same round. */
  ratio: number | null;
  goal: Goal;
  /** Extra figures worth keeping (sizes, growth times, p99 comparisons). */
  notes: Record<string, number | string>;
}

export interface BenchSettings {
  quick: boolean;
  rounds: number;
  warmupMs: number;
  measureMs: number;
  /** The longer warm-up each contender gets once, before its first round. */
  primeMs: number;
  /** Load generator and server pinned to separate cores. */
  pinned: boolean;
}

/** What a scenario gets: the engine (a running Parley on demand, direct SQL), the pinned workers, the settings. */
export interface ScenarioContext {
  engine: Engine;
  workers: Workers;
  settings: BenchSettings;
  log(line: string): void;
}

/** A scenario is one module: it prepares its data, measures Parley and its baselines, and returns table rows. */
export interface Scenario {
  id: string;
  title: string;
  run(context: ScenarioContext): Promise<Row[]>;
}

/** One closed-loop load: `clients` concurrent loops, each calling `once(client)` back to back. */
export interface LoadDriver {
  clients: number;
  /** One operation of one client; throws a CheckFailure (or any error) when the answer is not right. */
  once(client: number): Promise<void>;
  close(): Promise<void>;
}

export interface Timing {
  warmupMs: number;
  measureMs: number;
}

/** A load run inside a pinned worker process; modules export them as `loads`, by name. */
export type Load = (params: never, timing: Timing) => Promise<Measurement>;

export interface LoadJob extends Timing {
  /** Absolute path (or file: URL) of the module exporting `loads`. */
  module: string;
  load: string;
  params: unknown;
}

/** A failed check, counted under its code. */
export class CheckFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
