import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMs, formatRate } from './rounds';
import type { Row, Summary } from './types';

export interface RunMeta {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  commit: string;
  parleyCommand: string;
  node: string;
  postgres: string | null;
  pinned: string;
  settings: Record<string, { rounds: number; warmupMs: number; measureMs: number }>;
  errors: string[];
}

const ENGINE_LABEL: Record<Row['engine'], string> = { postgresql: 'PostgreSQL', pglite: 'PGlite' };

/** A measure without latencies (memory) has NaN for them (null once sent over IPC): the figure alone. */
function cell(summary: Summary, unit: string): string {
  return `${formatRate(summary.throughput)} ${unit}${Number.isFinite(summary.p99) ? `, p99 ${formatMs(summary.p99)}` : ''}`;
}

function goalCell(row: Row): string {
  if (row.goal.met === null) return row.goal.text;
  return `${row.goal.text}: ${row.goal.met ? 'met' : 'NOT MET'}`;
}

/** The one table: scenario, Parley, baseline, ratio, goal (medians over the rounds; ratio paired by round). */
export function formatTable(rows: Row[]): string {
  const lines = [
    '| scenario | Parley | baseline | ratio | goal |',
    '|---|---|---|---|---|',
    ...rows.map((row) =>
      [
        `${row.scenario} ${ENGINE_LABEL[row.engine]}: ${row.title}`,
        cell(row.parley, row.unit),
        row.baseline ? `${row.baseline.name}: ${cell(row.baseline, row.unit)}` : 'n/a',
        row.ratio === null ? 'n/a' : row.ratio.toFixed(2),
        goalCell(row),
      ].join(' | '),
    ),
  ];
  return lines.map((line) => (line.startsWith('|') ? line : `| ${line} |`)).join('\n');
}

/** Failure samples of invalid rows, so that an invalid figure is never read without its reason. */
export function formatFailures(rows: Row[]): string {
  return rows
    .flatMap((row) => [row.parley, row.baseline].filter((summary): summary is Summary => !!summary && summary.samples.length > 0).map((summary) => ({ row, summary })))
    .map(({ row, summary }) => `${row.scenario} ${ENGINE_LABEL[row.engine]} ${summary.name}:\n${summary.samples.map((sample) => `  ${sample}`).join('\n')}`)
    .join('\n');
}

/** bench/results/<time>.json and bench/results/latest.json (the folder is git-ignored). */
export function writeResults(directory: string, meta: RunMeta, rows: Row[]): string {
  mkdirSync(directory, { recursive: true });
  const text = `${JSON.stringify({ meta, rows }, null, 2)}\n`;
  const file = join(directory, `${meta.startedAt.replace(/[:.]/g, '-')}${meta.quick ? '-quick' : ''}.json`);
  writeFileSync(file, text);
  writeFileSync(join(directory, 'latest.json'), text);
  return file;
}
