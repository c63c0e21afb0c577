import { existsSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/** Where `npm run build:web` (and `npm start`) puts the reference web client. */
export const WEB_CLIENT_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * The page's own code only: scripts and styles from this origin, the API and its socket on this
 * origin, uploads sent to and files played from where the file storage's links point (`files`:
 * Parley's own address as links name it, or the S3 bucket), pictures from anywhere over http(s),
 * and no framing.
 */
function contentSecurityPolicy(files: string[]): string {
  const sources = ["'self'", ...files].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob: https: http:",
    `media-src ${sources} blob:`,
    `connect-src ${sources}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Parley</title>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>Parley</h1>
<p>The web client is not built. <code>npm start</code> builds it, or run <code>npm run build:web</code>;
while developing, <code>npm run dev</code> serves it with live reload.</p>
<p>The API is at <a href="/graphql">/graphql</a>.</p>
</body></html>
`;

/**
 * Serves the built web client at `/` (index.html, never cached without asking again) and its
 * hashed files under /assets (cached for good). Routes registered before it (/graphql, /healthz,
 * /readyz) keep their paths: a static route wins over this wildcard one. Without a build, `/`
 * says how to make one.
 */
export async function serveWebClient(
  fastify: FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>,
  root: string,
  /** Where the file storage's links point, once known (after listening): see contentSecurityPolicy. */
  fileOrigins: () => string[],
): Promise<{ built: boolean }> {
  if (!existsSync(join(root, 'index.html'))) {
    fastify.get('/', async (_request, reply) => reply.code(404).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE));
    return { built: false };
  }
  await fastify.register(fastifyStatic, {
    root,
    prefix: '/',
    index: ['index.html'],
    // Vite writes gzip and brotli copies beside each file (scripts/build-web.mjs); sent when accepted.
    preCompressed: true,
    cacheControl: false,
    // The build's stamp (.build-inputs) and anything else hidden stays unserved.
    dotfiles: 'ignore',
    setHeaders: (reply, path) => {
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      if (path.endsWith('.html')) {
        reply.header('cache-control', 'no-cache');
        reply.header('content-security-policy', contentSecurityPolicy(fileOrigins()));
      } else if (path.startsWith(join(root, 'assets'))) {
        reply.header('cache-control', 'public, max-age=31536000, immutable');
      } else {
        reply.header('cache-control', 'public, max-age=3600');
      }
    },
  });
  return { built: true };
}
