import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { type Context, type ContextDependencies, createContext } from './context';
import { type CompiledOperations, compiledExecution } from './executor';
import { formatError } from './format-error';
import { inputTextPlugin } from './input-text';
import { type operationLimits, PARSE_OPTIONS } from './limits';
import { operationLogging } from './logging';
import type { Metrics } from './metrics';
import { serveWebClient } from './web-client';
import fastifyCors from '@fastify/cors';

export const GRAPHQL_PATH = '/graphql';
/** Request bodies past this are refused with 413 before parsing. */
const BODY_LIMIT_BYTES = 100 * 1024;
const READY_TIMEOUT_MS = 2_000;
const REQUEST_ID = /^[\w.:-]{1,128}$/;


/** Fastify with Apollo on /graphql (POST, and GET for queries), /healthz, /readyz, and the web client at `/`. */
export async function createHttpServer(options: {
  schema: GraphQLSchema;
  operations: CompiledOperations;
  context: ContextDependencies;
  database: Database;
  logger: Logger;
  production: boolean;
  /** Introspection in production only when asked for (GRAPHQL_INTROSPECTION=true). */
  introspection: boolean;
  limits: ReturnType<typeof operationLimits>;
  trustProxy: string[];
  metrics: Metrics;
  /** GET /metrics asks for it as a bearer token; in production, without one, /metrics is off. */
  metricsToken: string | undefined;
  /** The built web client's folder (web/dist). */
  webClientDir: string;
  /** Web origins whose pages may call the API and the file routes (CORS). */
  corsOrigins: '*' | string[];
  /** Where the file storage's links point, for the web client's CSP. */
  fileOrigins: () => string[];
}) {
  const fastify = Fastify({
    loggerInstance: options.logger,
    // Operations are logged by Apollo's plugin instead (one line each, with the operation name).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.trustProxy.length > 0 ? options.trustProxy : false,
    // A proxy's request id is kept so that its logs and ours line up.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Web apps on other origins call the API and send and fetch files. Authentication is a bearer
  // token a page attaches itself, never a cookie, so allowing an origin lends it nothing the page
  // does not hold already; CORS_ORIGINS narrows it to an app's own origins all the same.
  await fastify.register(fastifyCors, {
    origin: options.corsOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PUT'],
    exposedHeaders: ['x-request-id', 'retry-after', 'content-disposition', 'content-length', 'content-range', 'accept-ranges'],
    maxAge: 600,
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    options.metrics.httpRequest(request.method, request.routeOptions.url, reply.statusCode);
    done();
  });

  const apollo = new ApolloServer<Context>({
    gateway: compiledExecution(options.schema, options.operations),
    formatError,
    introspection: options.introspection,
    validationRules: options.limits.validationRules,
    parseOptions: PARSE_OPTIONS,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // main.ts owns the signals and shuts down in order (sockets, HTTP, database).
    stopOnTerminationSignals: false,
    plugins: [
      // Parley sets no cache hints and reports to no Apollo service: without these, every field of
      // every result would pass through their per-field hooks.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      fastifyApolloDrainPlugin(fastify),
      operationLogging(options.metrics),
      inputTextPlugin,
      ...options.limits.plugins,
      options.production ? ApolloServerPluginLandingPageProductionDefault() : ApolloServerPluginLandingPageLocalDefault(),
    ],
  });
  await apollo.start();

  fastify.route({
    url: GRAPHQL_PATH,
    method: ['GET', 'POST', 'OPTIONS'],
    handler: fastifyApolloHandler(apollo, {
      context: async (request) =>
        createContext(options.context, {
          requestId: request.id,
          log: request.log,
          authorization: request.headers.authorization,
          userAgent: request.headers['user-agent'],
          clientAddress: request.ip,
        }),
    }),
  });
  fastify.get('/healthz', async () => ({ status: 'ok' }));
  if (!options.production || options.metricsToken) fastify.get('/metrics', metricsHandler(options.metrics, options.metricsToken));
  fastify.get('/readyz', async (request, reply) => {
    try {
      await withTimeout(options.database.ping(), READY_TIMEOUT_MS);
      return { status: 'ok' };
    } catch (error) {
      request.log.warn({ err: error }, 'database not reachable');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
  const webClient = await serveWebClient(fastify, options.webClientDir, options.fileOrigins);
  return { fastify, apollo, webClient };
}

/** GET /metrics: Prometheus' text format, behind a bearer token when one is set. */
function metricsHandler(metrics: Metrics, token: string | undefined) {
  const expected = token === undefined ? undefined : createHash('sha256').update(`Bearer ${token}`).digest();
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (expected) {
      // Compared as digests, in constant time: the answer's timing tells nothing of the token.
      const given = createHash('sha256').update(request.headers.authorization ?? '').digest();
      if (!timingSafeEqual(given, expected)) return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'A valid metrics token is required.' });
    }
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
