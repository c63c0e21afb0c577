import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/server';
import { signUpUser } from '../../helpers/factories';
import { MeDocument } from '../../generated/graphql';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = 'console.log("parley web client");'.repeat(20);

let dir: string;
let server: TestServer;
let production: TestServer;
let origin: string;
beforeAll(async () => {
  // A build as scripts/build-web.mjs leaves it: index.html, hashed assets with compressed copies, a dotfile stamp.
  dir = await mkdtemp(join(tmpdir(), 'parley-web-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), INDEX);
  await writeFile(join(dir, 'assets/app-1a2b3c.js'), SCRIPT);
  await writeFile(join(dir, 'assets/app-1a2b3c.js.gz'), gzipSync(SCRIPT));
  await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(join(dir, '.build-inputs'), 'secret-ish stamp');
  server = await startTestServer({ webClientDir: dir });
  production = await startTestServer({ webClientDir: dir, env: { NODE_ENV: 'production' } });
  origin = new URL(server.url).origin;
});
afterAll(async () => {
  await Promise.all([server.close(), production.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe('the web client served at /', () => {
  it('serves index.html at / with a strict content security policy, revalidated on every load', async () => {
    const response = await fetch(`${origin}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    // The API on this origin, and where the file storage's links point (here: this server, as links name it).
    expect(policy).toContain(`connect-src 'self' ${origin}`);
    expect(policy).toContain(`media-src 'self' ${origin} blob:`);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe(INDEX);
  });

  it('serves hashed assets cached for good, compressed when the browser accepts it', async () => {
    const plain = await fetch(`${origin}/assets/app-1a2b3c.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toMatch(/javascript/);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await plain.text()).toBe(SCRIPT);
    const compressed = await fetch(`${origin}/assets/app-1a2b3c.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(compressed.headers.get('content-encoding')).toBe('gzip');
    expect(await compressed.text()).toBe(SCRIPT);
  });

  it('caches other files for an hour', async () => {
    const response = await fetch(`${origin}/favicon.svg`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
  });

  it('answers 404 for missing files, dotfiles and paths outside the build', async () => {
    for (const path of ['/missing.js', '/assets/nothing.css', '/.build-inputs', '/..%2fpackage.json', '/%2e%2e/%2e%2e/package.json']) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain('secret-ish');
    }
  });

  it('keeps the API at /graphql: POST, GET queries and the sandbox outside production', async () => {
    const user = await signUpUser(server);
    const post = await server.request(MeDocument, {}, { token: user.accessToken });
    expect(post.data?.me.id).toBe(user.id);
    const get = await fetch(`${server.url}?query=${encodeURIComponent('{ me { id } }')}`, {
      headers: { authorization: `Bearer ${user.accessToken}`, 'apollo-require-preflight': 'true' },
    });
    expect(await get.json()).toEqual({ data: { me: { id: user.id } } });
    const sandbox = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(sandbox.status).toBe(200);
    expect(await sandbox.text()).toContain('embeddableSandbox');
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${origin}/readyz`)).status).toBe(200);
  });

  it('serves the client in production too, where /graphql shows no sandbox', async () => {
    const productionOrigin = new URL(production.url).origin;
    const page = await fetch(`${productionOrigin}/`);
    expect(await page.text()).toBe(INDEX);
    const landing = await fetch(production.url, { headers: { accept: 'text/html' } });
    expect(await landing.text()).not.toContain('embeddableSandbox');
  });

  it('says how to build the client when there is none', async () => {
    const bare = await startTestServer({ webClientDir: join(dir, 'not-built') });
    try {
      expect(bare.parley.webClientUrl).toBeNull();
      const response = await fetch(`${new URL(bare.url).origin}/`);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain('npm run build:web');
      expect((await fetch(`${new URL(bare.url).origin}/healthz`)).status).toBe(200);
    } finally {
      await bare.close();
    }
  });
});
