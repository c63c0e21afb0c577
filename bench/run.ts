import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine, DEFAULT_ADMIN_URL, type Engine } from './lib/engine';
import { buildParley, parleyCommand, ROOT } from './lib/parley-process';
import { canPin, LOAD_CORE, SERVER_CORE } from './lib/processes';
import { formatFailures, formatTable, type RunMeta, writeResults } from './lib/report';
import type { BenchSettings, Row } from './lib/types';
import { Workers } from './lib/workers';
import { SCENARIOS } from './scenarios/index';

const USAGE = `npm run bench [-- options]
  --quick              a short run (seconds per scenario, smaller tables; PostgreSQL only unless --engine is given)
  --engine <name>      postgresql or pglite (repeatable; default both)
  --only <ids>         scenarios to run, e.g. S3,S5 (default all: ${SCENARIOS.map((scenario) => scenario.id).join(', ')})
  --rounds <n>         measured rounds per contender (default 5 on PostgreSQL, 3 on PGlite, 1 with --quick)
  --measure <seconds>  measured window of a round (default 8, 1.5 with --quick)
  --warmup <seconds>   warm-up before each measured window (default 2, 0.5 with --quick)
PostgreSQL: BENCH_DATABASE_URL (default ${DEFAULT_ADMIN_URL}) names a server where a scratch database is created and dropped.`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    engine: { type: 'string', multiple: true },
    only: { type: 'string' },
    rounds: { type: 'string' },
    measure: { type: 'string' },
    warmup: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

// --quick is the short look (about a minute): PostgreSQL only, unless engines are named.
const engines = (values.engine ?? (values.quick ? ['postgresql'] : ['postgresql', 'pglite'])) as Engine['kind'][];
const only = values.only?.split(',').map((id) => id.trim().toUpperCase());
const scenarios = SCENARIOS.filter((scenario) => !only || only.includes(scenario.id));
if (engines.some((kind) => kind !== 'postgresql' && kind !== 'pglite') || scenarios.length === 0) {
  console.error(USAGE);
  process.exit(2);
}

function settingsFor(kind: Engine['kind']): BenchSettings {
  const quick = values.quick ?? false;
  const seconds = (given: string | undefined, full: number, short: number) => Number(given ?? (quick ? short : full)) * 1000;
  return {
    quick,
    rounds: Number(values.rounds ?? (quick ? 1 : kind === 'pglite' ? 3 : 5)),
    warmupMs: seconds(values.warmup, 2, 0.5),
    measureMs: seconds(values.measure, 8, 1.5),
    primeMs: seconds(undefined, 5, 1),
    pinned: canPin(),
  };
}

const started = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
const startedAt = new Date().toISOString();
const resultsDir = join(ROOT, 'bench/results');
const logDir = join(resultsDir, `logs-${startedAt.replace(/[:.]/g, '-')}`);
mkdirSync(logDir, { recursive: true });
const adminUrl = process.env.BENCH_DATABASE_URL ?? DEFAULT_ADMIN_URL;

buildParley(log);
const meta: RunMeta = {
  startedAt,
  finishedAt: '',
  quick: values.quick ?? false,
  commit: gitCommit(),
  parleyCommand: parleyCommand().label,
  node: process.version,
  postgres: null,
  pinned: canPin() ? `server on core ${SERVER_CORE}, load generator on core ${LOAD_CORE} (taskset)` : 'not pinned (no taskset or one core)',
  settings: {},
  errors: [],
};
log(`Parley: ${meta.parleyCommand}, NODE_ENV=production; ${meta.pinned}; logs in ${logDir}`);

const workers = new Workers();
const rows: Row[] = [];
let current: Engine | undefined;
process.once('SIGINT', () => {
  void Promise.allSettled([current?.close(), workers.close()]).then(() => process.exit(130));
});

for (const kind of engines) {
  const settings = settingsFor(kind);
  meta.settings[kind] = { rounds: settings.rounds, warmupMs: settings.warmupMs, measureMs: settings.measureMs };
  const engine = (current = await createEngine(kind, { adminUrl, logDir, log }));
  try {
    if (kind === 'postgresql') {
      meta.postgres = await engine.sql(async (sql) => (await sql.query<{ server_version: string }>('SHOW server_version'))[0]!.server_version);
    }
    for (const scenario of scenarios) {
      log(`${scenario.id} on ${engine.label}: ${scenario.title} (${settings.rounds} round(s), ${settings.warmupMs / 1000} s warm-up + ${settings.measureMs / 1000} s each)`);
      try {
        rows.push(...(await scenario.run({ engine, workers, settings, log })));
      } catch (error) {
        const message = `${scenario.id} on ${engine.label} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
        meta.errors.push(message);
        log(message);
      }
    }
  } finally {
    await engine.close();
    current = undefined;
  }
}
await workers.close();

meta.finishedAt = new Date().toISOString();
const file = writeResults(resultsDir, meta, rows);
console.log('');
console.log(`Medians of the rounds; ratio = Parley / baseline, median of the per-round ratios. ${meta.parleyCommand}; ${meta.pinned}.`);
console.log(formatTable(rows));
const failures = formatFailures(rows);
if (failures) console.log(`\nFailures (a round with any failure is invalid):\n${failures}`);
for (const error of meta.errors) console.log(`\n${error}`);
console.log(`\nFigures written to ${file} and bench/results/latest.json`);
const invalid = meta.errors.length > 0 || rows.some((row) => row.goal.text.startsWith('INVALID'));
process.exit(invalid ? 1 : 0);

function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'prisma'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${commit} (src changed)` : commit;
  } catch {
    return 'unknown';
  }
}
