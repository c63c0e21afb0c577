// Runs the shared contract check and fails on any breaking difference that is not listed in
// contract-pending.txt (operations that a later issue adds). An empty list means: none allowed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const checker = '../shared/contract/check.mjs';
if (!existsSync(checker)) {
  console.error(`${checker} not found: the contract lives beside this repository in shared/`);
  process.exit(1);
}
const { stdout, status } = spawnSync(process.execPath, [checker, 'schema.graphql'], { encoding: 'utf8' });
process.stdout.write(stdout);
const pending = new Set(
  readFileSync(new URL('contract-pending.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#')),
);
const differences = stdout.split('\n').filter((line) => /^[A-Z_]+: /.test(line));
const unexpected = differences.filter((line) => !pending.has(line));
const resolved = [...pending].filter((line) => !differences.includes(line));
if (resolved.length > 0) console.log(`\n${resolved.length} pending difference(s) are resolved now; remove them from .ci/contract-pending.txt.`);
if (unexpected.length > 0) {
  console.error(`\n${unexpected.length} breaking difference(s) not planned in .ci/contract-pending.txt:`);
  for (const line of unexpected) console.error(`  ${line}`);
  process.exit(1);
}
console.log(`contract: ${differences.length} pending difference(s), all planned for later issues`);
process.exit(status === 0 || differences.length > 0 ? 0 : status ?? 1);
