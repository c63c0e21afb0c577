// Builds the web client (web/ -> web/dist) when what it is made from changed since the last build:
// its sources, its configuration, the API schema and the installed packages (package-lock.json).
// `npm start` runs it every time; with nothing changed it only hashes the inputs (a few ms).
//   node scripts/build-web.mjs            build if stale
//   node scripts/build-web.mjs --force    build anyway
// Each build regenerates the typed operations (web/src/gql), then runs Vite, then writes gzip and
// brotli copies of the text files beside them (served by Parley when the browser accepts them).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const dist = join(web, 'dist');
const stamp = join(dist, '.build-inputs');
const INPUTS = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'web/codegen.ts', 'web/tsconfig.json', 'web/package.json', 'schema.graphql', 'package-lock.json'];
/** Made by the build itself, so not among its inputs. */
const GENERATED = join(web, 'src', 'gql');
// Source maps are fetched by developer tools only: not worth the compression time.
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/;

async function filesUnder(path) {
  if (path === GENERATED || !existsSync(path)) return [];
  const entries = await readdir(path, { withFileTypes: true }).catch(() => null);
  if (!entries) return [path];
  const nested = await Promise.all(entries.map((entry) => filesUnder(join(path, entry.name))));
  return nested.flat();
}

async function inputsHash() {
  const files = (await Promise.all(INPUTS.map((input) => filesUnder(join(root, input))))).flat().sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${relative(root, file)}\0`).update(await readFile(file)).update('\0');
  return hash.digest('hex');
}

async function compress() {
  for (const file of await filesUnder(dist)) {
    if (!COMPRESSIBLE.test(file)) continue;
    const contents = await readFile(file);
    if (contents.length < 1024) continue;
    await writeFile(`${file}.gz`, gzipSync(contents, { level: 9 }));
    await writeFile(`${file}.br`, brotliCompressSync(contents, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  }
}

const started = performance.now();
const hash = await inputsHash();
const force = process.argv.includes('--force');
const built = existsSync(join(dist, 'index.html'));
const codegen = join(root, 'node_modules/@graphql-codegen/cli/cjs/bin.js');
const tooling = existsSync(codegen) && existsSync(join(root, 'node_modules/vite/package.json'));
if (!force && built && (await readFile(stamp, 'utf8').catch(() => '')) === hash) {
  console.log('web client up to date (web/dist)');
} else if (!tooling) {
  // Installed without devDependencies (the pruned Docker image): the API still starts.
  console.warn(built ? 'web client: Vite is not installed; serving the existing web/dist' : 'web client: Vite is not installed, so it is not built; only the API is served');
} else {
  execFileSync(process.execPath, [codegen, '--config', 'codegen.ts', '--silent'], { cwd: web, stdio: 'inherit' });
  const { build } = await import('vite');
  await build({ root: web, logLevel: 'warn' });
  await compress();
  await writeFile(stamp, hash);
  console.log(`built the web client into web/dist in ${Math.round(performance.now() - started)} ms`);
}
