// Builds the production server: src/main.ts and everything it imports from src/ (the generated Prisma
// client too) into one ES module, dist/main.js, with a source map. Packages stay in node_modules,
// imported as they are under tsx, so there is one copy of each (graphql above all).
//   node scripts/build.mjs
// Run it as `node dist/main.js` (`--enable-source-maps` names the .ts files in stack traces).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist`;

/**
 * Code in src/ finds files beside it through `import.meta.url` (prisma/migrations from src/db/migrator.ts).
 * In the bundle every module would get dist/main.js's URL instead; this gives each module the URL its
 * source file has, computed from the bundle's own place, so the built server resolves the same files.
 */
const sourceFileUrls = {
  name: 'source-file-urls',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const contents = await readFile(path, 'utf8');
      if (/import\.meta\.(dirname|filename)/.test(contents)) {
        return { errors: [{ text: 'use import.meta.url (the build keeps it right), not import.meta.dirname or filename' }] };
      }
      if (!contents.includes('import.meta.url')) return undefined;
      const fromBundle = relative(outdir, path).split('\\').join('/');
      // Prepended on the first line, so the source map's lines stay right.
      const declaration = `const __sourceFileUrl = new URL(${JSON.stringify(fromBundle)}, __bundleUrl).href; `;
      return { contents: declaration + contents, loader: 'ts', resolveDir: dirname(path) };
    });
  },
};

const started = performance.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/main.ts'],
  outdir,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  tsconfig: 'tsconfig.json',
  // type-graphql names GraphQL types after classes: a class renamed to avoid a clash in the one
  // scope of the bundle (`Edge` → `Edge2`) must keep its name.
  keepNames: true,
  define: { 'import.meta.url': '__sourceFileUrl' },
  // Raw text, left alone by `define`.
  banner: { js: 'const __bundleUrl = import.meta.url;' },
  plugins: [sourceFileUrls],
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
  write: false,
});
// keepNames names every function at each creation (`__name(fn, "deliver")`): a property defined on
// the new closure, which costs it a property store of its own (about 250 bytes, measured with heap
// snapshots: 5 KiB per open socket). Only classes need their names kept (see above), and a class
// names itself once, in its static block: the helper names classes only.
const NAME_HELPER = 'var __name = (target, value) => __defProp(target, "name", { value, configurable: true });';
const CLASS_NAME_HELPER =
  'var __name = (target, value) => (Object.getOwnPropertyDescriptor(target, "prototype")?.writable === false ? __defProp(target, "name", { value, configurable: true }) : target);';
for (const file of result.outputFiles.filter(({ path }) => path.endsWith('.js'))) {
  const text = file.text;
  if (!text.includes(NAME_HELPER)) throw new Error(`${file.path}: esbuild's __name helper changed; look again at NAME_HELPER in scripts/build.mjs`);
  file.contents = Buffer.from(text.replace(NAME_HELPER, CLASS_NAME_HELPER));
}
// Each file is written beside its place and renamed over it, so a server starting meanwhile (another
// test file that builds too) reads either the old file or the new one, never half of one.
await mkdir(outdir, { recursive: true });
for (const { path, contents } of result.outputFiles) {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}
const inputs = Object.keys(result.metafile.inputs).length;
console.log(`built dist/main.js from ${inputs} files in ${Math.round(performance.now() - started)} ms`);
