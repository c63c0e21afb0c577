# Production image: `docker compose up` (see docker-compose.yml) or build and run it on its own.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Install first (postinstall generates the Prisma client and typed test documents), so that code
# changes do not invalidate the dependency layer. web/ is an npm workspace: its package.json joins
# the install (its typed operations are generated again by the build, once its sources are here).
COPY package.json package-lock.json prisma.config.ts codegen.yml schema.graphql ./
COPY web/package.json web/codegen.ts ./web/
COPY prisma ./prisma
COPY test/operations ./test/operations
RUN npm ci --no-audit --no-fund
COPY . .
# The server runs as one built file, dist/main.js (scripts/build.mjs); packages stay in node_modules.
# The web client is static files in web/dist (scripts/build-web.mjs), served by the server at /;
# its packages are all build-time ones (devDependencies), pruned with the rest.
RUN npm run build && npm run typecheck && npm prune --omit=dev && rm -rf test web/src web/public

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:4000/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# node itself (not npm) receives SIGTERM and shuts down gracefully; the source map names the .ts files
# in stack traces.
CMD ["node", "--enable-source-maps", "dist/main.js"]
