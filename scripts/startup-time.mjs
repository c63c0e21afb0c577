// Start-up time: from spawning the server to its first answered GraphQL request, median of several starts.
//   node scripts/startup-time.mjs [--runs 5] -- node dist/main.js
// The server gets the environment it is started in (DATABASE_URL, DATA_DIR…) and a free PORT. One start
// before the measured ones applies any pending migrations, so every measured start finds the database ready.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

const separator = process.argv.indexOf('--');
if (separator === -1 || separator === process.argv.length - 1) {
  console.error('usage: node scripts/startup-time.mjs [--runs N] -- <command> [args…]');
  process.exit(2);
}
const options = process.argv.slice(2, separator);
const runsIndex = options.indexOf('--runs');
const runs = runsIndex === -1 ? 5 : Number(options[runsIndex + 1]);
const [command, ...args] = process.argv.slice(separator + 1);

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function answers(url) {
  try {
    const response = await globalThis.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    const body = await response.json();
    return body.data?.__typename === 'Query';
  } catch {
    return false;
  }
}

/** CPU milliseconds (user + system) the process has used so far, where Linux tells (/proc). */
function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name: state is field 3, utime 14 and stime 15, counted in 1/100 s.
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Milliseconds from spawn to the first `{ __typename }` answered, and the CPU used by then; stops the server after. */
async function measureOnce() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/graphql`;
  const started = performance.now();
  const child = spawn(command, args, { env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn' }, stdio: 'inherit' });
  let exitCode;
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve((exitCode = code))));
  while (!(await answers(url))) {
    if (exitCode !== undefined) throw new Error(`the server exited with ${exitCode} before answering`);
    await sleep(5);
  }
  const elapsed = performance.now() - started;
  const cpu = cpuMs(child.pid);
  child.kill('SIGTERM');
  await exited;
  return { elapsed, cpu };
}

await measureOnce();
const results = [];
for (let run = 0; run < runs; run++) results.push(await measureOnce());
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const line = (values) => `${values.map((ms) => ms.toFixed(0)).join(' ')} ms, median ${median(values).toFixed(0)} ms`;
console.log(`until the first answer: ${line(results.map((result) => result.elapsed))}`);
console.log(`CPU used by then:       ${line(results.map((result) => result.cpu))}`);
