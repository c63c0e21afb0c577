import { join } from 'node:path';
import type { Logger } from 'pino';
import type { SessionCacheOptions } from '../auth/session-cache';
import type { Config } from '../config/config';
import type { MailerOptions } from '../mail/mailer';
import { type Database, type DatabaseOptions, openDatabase } from '../db/database';
import { registerFileRoutes } from '../modules/files/file.routes';
import { createRealtime } from '../realtime/realtime';
import { LocalStorage } from '../storage/local-storage';
import { createStorage } from '../storage/storage';
import { CompiledOperations } from './executor';
import { LiveTally } from './live-execution';
import { Metrics } from './metrics';
import { createHttpServer } from './http';
import { operationLimits } from './limits';
import { RateLimits } from './rate-limits';
import { createLogger } from './logger';
import { buildParleySchema } from './schema';
import { createServices } from './services';
import { WEB_CLIENT_DIR } from './web-client';
import { attachWebSocket } from './websocket';

export interface Parley {
  /** http://host:port/graphql */
  url: string;
  /** http://host:port/, where the web client is served; null when it is not built. */
  webClientUrl: string | null;
  port: number;
  database: Database;
  logger: Logger;
  /** Removes the uploads that are stale as of `now` (the periodic sweep, at once); the ids removed here. */
  sweepUploads(now?: Date): Promise<string[]>;
  /** Removes the data exports expired as of `now` (the periodic sweep, at once); how many. */
  sweepExports(now?: Date): Promise<number>;
  /** Stops accepting, finishes in-flight requests, closes sockets, then the database; `onStep` hears each step as it starts. */
  close(onStep?: (step: string) => void): Promise<void>;
}

/** Starts the whole server: database (migrated), schema, HTTP and WebSocket on one port. */
export async function startParley(
  config: Config,
  overrides: {
    logger?: Logger;
    database?: DatabaseOptions;
    sessionCache?: Partial<SessionCacheOptions>;
    webClientDir?: string;
    /** How soon failed emails are tried again (tests shorten it). */
    mailer?: Partial<MailerOptions>;
  } = {},
): Promise<Parley> {
  const logger = overrides.logger ?? createLogger(config);
  const metrics = new Metrics();
  const database = await openDatabase(
    overrides.database ?? { databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize, pgliteDir: join(config.dataDir, 'pglite') },
    logger,
    (route, seconds) => metrics.query(route, seconds),
  );
  const realtime = createRealtime(config.redisUrl, database.prisma, logger, metrics);
  const rateLimits = new RateLimits(realtime.bus.redis, config.rateLimitScale, undefined, (limit) => metrics.rateLimited(limit));
  // Known once the server listens, unless PUBLIC_URL says it.
  let publicUrl = config.files.publicUrl;
  const fileOrigins: string[] = [];
  const storage = await createStorage(config, () => publicUrl!);
  const services = createServices(database.prisma, database.sql, config, realtime, rateLimits, storage, {
    logger,
    metrics,
    sessionCache: overrides.sessionCache,
    mailer: overrides.mailer,
    publicUrl: () => publicUrl!,
  });
  const context = { authenticator: services.authenticator, prisma: database.prisma, sql: database.sql, realtime, feeds: services.feeds };
  const schema = await buildParleySchema(services);
  metrics.nameOperationsFrom(schema);
  metrics.watch({ pools: () => database.pools(), redis: () => realtime.bus.connections() });
  const limits = operationLimits(config.nodeEnv === 'production');
  const operations = new CompiledOperations(schema);
  const http = await createHttpServer({
    schema,
    operations,
    context,
    database,
    logger,
    production: config.nodeEnv === 'production',
    introspection: config.nodeEnv !== 'production' || config.graphqlIntrospection,
    limits,
    trustProxy: config.trustProxy,
    metrics,
    metricsToken: config.metricsToken,
    webClientDir: overrides.webClientDir ?? WEB_CLIENT_DIR,
    corsOrigins: config.corsOrigins,
    fileOrigins: () => fileOrigins,
  });
  if (storage instanceof LocalStorage) await registerFileRoutes(http.fastify, storage, services.uploads);
  const websocket = attachWebSocket({
    server: http.fastify.server,
    schema,
    operations,
    context,
    logger,
    limits,
    rateLimits,
    trustProxy: config.trustProxy,
    pingIntervalMs: config.wsPingIntervalSeconds * 1000,
    metrics,
    tally: new LiveTally(),
  });
  await http.fastify.listen({ port: config.port, host: config.host });
  const address = http.fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  publicUrl ??= `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : host}:${port}`;
  // Known now that the address is: the web client's pages may reach where file links point.
  await storage.linkOrigin().then(
    (origin) => fileOrigins.push(origin),
    (error: unknown) => logger.warn({ err: error }, 'file links: their origin is unknown; the web client may not reach them'),
  );
  services.uploadSweeper.start(config.files.sweepIntervalSeconds);
  services.dataExports.start(config.files.sweepIntervalSeconds);

  return {
    url: `http://${host}:${port}/graphql`,
    webClientUrl: http.webClient.built ? `http://${host}:${port}/` : null,
    port,
    database,
    logger,
    sweepUploads: (now) => services.uploadSweeper.sweep(now),
    sweepExports: (now) => services.dataExports.sweep(now),
    close: async (onStep) => {
      const steps: [string, () => Promise<void>][] = [
        ['closing sockets', () => websocket.close()],
        ['finishing HTTP requests', () => finishRequests(http)],
        ['writing session touches', () => services.authenticator.close()],
        ['writing deliveries', () => services.deliveries.close()],
        ['stopping the upload sweep', () => services.uploadSweeper.close()],
        ['stopping the export sweep', () => services.dataExports.close()],
        ['finishing account work', () => services.background.close()],
        ['sending the last emails', () => services.mailer.close()],
        ['closing the event bus and presence', () => realtime.close()],
        ['closing the file storage', () => storage.close()],
        ['closing the database', () => database.close()],
      ];
      for (const [step, run] of steps) {
        onStep?.(step);
        await run();
      }
    },
  };
}

/**
 * Stops Apollo and Fastify once in-flight requests are answered. Closing the listener ends only
 * the connections idle at that moment: a keep-alive connection whose request finishes later would
 * hold the close until its client hangs up (never, for a load balancer's pool). So idle connections
 * are swept until the close completes.
 */
async function finishRequests(http: Awaited<ReturnType<typeof createHttpServer>>): Promise<void> {
  const sweeper = setInterval(() => http.fastify.server.closeIdleConnections(), 50);
  try {
    await http.apollo.stop();
  } finally {
    clearInterval(sweeper);
  }
}
