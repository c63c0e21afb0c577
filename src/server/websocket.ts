import type { IncomingMessage, Server } from 'node:http';
import { type ExecutionResult, getOperationAST, type GraphQLSchema, GraphQLError, type ValidationRule } from 'graphql';
import { CloseCode, MessageType, type SubscribePayload } from 'graphql-ws';
import type { Logger } from 'pino';
import proxyAddr from '@fastify/proxy-addr';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Viewer } from '../auth/authenticator';
import { CLOSE_TRY_AGAIN_LATER, type SocketState } from '../realtime/sockets';
import { ChildLogOf, type Context, type ContextDependencies, createContext } from './context';
import type { CompiledOperations } from './executor';
import { clientFaultOf, formatError, isUnexpected } from './format-error';
import { GRAPHQL_PATH } from './http';
import { connectionParamsProblem, inputTextProblem } from './input-text';
import { liveExecution, type LiveOutlet, type LiveTally } from './live-execution';
import type { Metrics } from './metrics';
import { socketOperationCheck } from './limits';
import { serveGraphQLWs } from './ws-transport';
import type { RateLimits } from './rate-limits';

const CONNECTION_INIT_TIMEOUT_MS = 3_000;
/** Socket messages past this are refused by ws itself (close 1009). */
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const MAX_SOCKETS_PER_USER = 50;
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 100;
/** A close reason is at most 123 bytes (RFC 6455); a longer explanation gives way to a fixed one. */
const MAX_CLOSE_REASON_BYTES = 123;
/** Every interval each socket is pinged; one that did not answer the previous ping is dropped. */
function pingIdleSockets(wss: WebSocketServer, intervalMs: number): () => void {
  const alive = new WeakSet<WebSocket>();
  // One listener for every socket (ws calls it with the socket as `this`), not a closure each.
  function answered(this: WebSocket) {
    alive.add(this);
  }
  wss.on('connection', (socket) => {
    alive.add(socket);
    socket.on('pong', answered);
  });
  const timer = setInterval(() => {
    for (const socket of wss.clients) {
      if (!alive.delete(socket)) socket.terminate();
      else socket.ping();
    }
  }, intervalMs).unref();
  return () => clearInterval(timer);
}

/** A socket whose unsent data passes this is closed (1013) rather than left to grow memory; its client catches up. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

interface Connection {
  socket: SocketState;
  /** Queries and mutations over the socket too, when the client asks (connectionParams.allowQueriesAndMutations). */
  allowAllOperations: boolean;
}

/** Reads the token from connectionParams as Apollo Client setups send it. */
function authorizationOf(params: Record<string, unknown> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization ?? params?.authToken ?? params?.token;
  if (typeof value !== 'string' || value === '') return undefined;
  return /^bearer\s/i.test(value) ? value : `Bearer ${value}`;
}

/** graphql-ws (graphql-transport-ws) on the HTTP server's /graphql path; every socket must sign in. */
export function attachWebSocket(options: {
  server: Server;
  schema: GraphQLSchema;
  operations: CompiledOperations;
  context: ContextDependencies;
  logger: Logger;
  limits: { validationRules: readonly ValidationRule[]; exposeLimits: boolean };
  rateLimits: RateLimits;
  trustProxy: string[];
  pingIntervalMs: number;
  metrics: Metrics;
  tally: LiveTally;
}) {
  const { authenticator, realtime } = options.context;
  const { metrics } = options;
  const wss = new WebSocketServer({ server: options.server, path: GRAPHQL_PATH, maxPayload: MAX_MESSAGE_BYTES });
  const checkOperation = socketOperationCheck(options.schema, options.limits);
  const trusted = proxyAddr.compile(options.trustProxy);
  const addressOf = (request: IncomingMessage) => (options.trustProxy.length > 0 ? proxyAddr(request, trusted) : request.socket.remoteAddress ?? 'unknown');
  const stopPinging = pingIdleSockets(wss, options.pingIntervalMs);
  const connections = new WeakMap<object, Connection>();
  const outlets = new WeakMap<object, LiveOutlet>();
  // Per operation (its subscribe message): when it came, for the operation metrics.
  const arrivals = new WeakMap<object, number>();
  const socketLog = new ChildLogOf(options.logger);
  /** The operation's labels, from the document as checked (parsed once per text). */
  const labelsOf = (payload: SubscribePayload) => {
    const checked = checkOperation(payload);
    return metrics.labelsOf('errors' in checked ? undefined : checked.document, payload.operationName);
  };
  const server = serveGraphQLWs<Record<string, unknown> | undefined>(
    {
      schema: options.schema,
      // Each event resolved by the compiled document (an event the feed shares, once for all its receivers) and written to its outlet.
      subscribe: liveExecution(options.schema, options.operations, (args) => outlets.get(args), options.tally),
      onConnect: async (ctx) => {
        server.initialized(ctx.extra.socket);
        const badParams = connectionParamsProblem(ctx.connectionParams);
        if (badParams) {
          // 4400: graphql-ws clients do not retry a request the server calls bad.
          const reason = Buffer.byteLength(badParams) <= MAX_CLOSE_REASON_BYTES ? badParams : 'connectionParams must be well-formed text without NUL characters.';
          ctx.extra.socket.close(CloseCode.BadRequest, reason);
          return false;
        }
        const { clientAddress } = ctx.extra;
        try {
          await options.rateLimits.consume('socketsPerAddress', clientAddress);
        } catch {
          // 1013 Try Again Later: graphql-ws clients retry it (never 4429, which they take as final).
          ctx.extra.socket.close(CLOSE_TRY_AGAIN_LATER, 'Too many new connections from this address: try again later');
          return false;
        }
        const authorization = authorizationOf(ctx.connectionParams);
        let viewer: Viewer | null = null;
        try {
          viewer = authorization ? await authenticator.authenticate(authorization) : null;
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
        }
        if (!authorization || !viewer) return false; // closes with 4403 Forbidden
        if (realtime.sockets.countFor(viewer.userId) >= MAX_SOCKETS_PER_USER) {
          ctx.extra.socket.close(CLOSE_TRY_AGAIN_LATER, `At most ${MAX_SOCKETS_PER_USER} open sockets per user: try again later`);
          return false;
        }
        const socket = await realtime.sockets.open(viewer, ctx.extra.socket);
        if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) {
          // Gone while signing in: onClose has run already and found nothing to clean up.
          await realtime.sockets.close(socket);
          return false;
        }
        connections.set(ctx, { socket, allowAllOperations: ctx.connectionParams?.allowQueriesAndMutations === true });
        // The token has done its work: from now on the socket's viewer is rechecked. Left alone,
        // graphql-ws would keep connectionParams (and the token in it) for the life of the socket.
        (ctx as { connectionParams?: unknown }).connectionParams = undefined;
        return true;
      },
      onClose: async (ctx) => {
        const connection = connections.get(ctx);
        if (connection) await realtime.sockets.close(connection.socket);
      },
      onSubscribe: (ctx, id, payload) => {
        arrivals.set(payload, performance.now());
        // graphql-ws has already registered this one when it asks.
        if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_SOCKET) {
          return [new GraphQLError(`At most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions per socket.`, { extensions: { code: 'RATE_LIMITED' } })];
        }
        // The same limits as over HTTP: tokens, depth, aliases, directives, cost.
        const checked = checkOperation(payload);
        if ('errors' in checked) return [...checked.errors];
        const operation = getOperationAST(checked.document, payload.operationName);
        if (operation?.operation !== 'subscription' && !connections.get(ctx)?.allowAllOperations) {
          return [
            new GraphQLError(
              'Only subscriptions run over the socket; send queries and mutations over HTTP, or connect with connectionParams.allowQueriesAndMutations = true.',
              { extensions: { code: 'BAD_REQUEST' } },
            ),
          ];
        }
        const badText = operation && inputTextProblem(checked.document, operation, payload.variables);
        if (badText) return [badText];
        const args = { schema: options.schema, document: checked.document, operationName: payload.operationName, variableValues: payload.variables };
        const socket = connections.get(ctx)?.socket;
        if (operation?.operation === 'subscription' && socket) outlets.set(args, new SocketOutlet(socket, id));
        return args;
      },
      context: (ctx): Context =>
        // The session is checked again per operation, so a revoked session stops working on open sockets too.
        // The requestId and the child logger are made on first use: most subscriptions never log.
        createContext(options.context, {
          log: socketLog,
          userAgent: ctx.extra.userAgent,
          clientAddress: ctx.extra.clientAddress,
          socket: connections.get(ctx)?.socket,
        }),
      onNext: (ctx, _id, _payload, args, result) => {
        const socket = connections.get(ctx)?.socket;
        if (socket && !keepsUp(socket)) return;
        if (!result.errors) return;
        const context = args.contextValue as Context;
        return { ...result, errors: result.errors.map((error) => maskForSocket(error, context)) as never };
      },
      onOperation: (_ctx, _id, payload, args, result) => {
        // A subscription that started is counted as ok; a query's or mutation's result (or a subscription refused at the start) by its errors.
        const settled = result as ExecutionResult | AsyncIterable<unknown>; // graphql-ws has awaited it
        const codes = Symbol.asyncIterator in settled ? [] : (settled.errors ?? []).map((error) => error.extensions?.code);
        const arrived = arrivals.get(payload);
        metrics.operation(metrics.labelsOf(args.document, args.operationName), codes, arrived === undefined ? undefined : (performance.now() - arrived) / 1000);
      },
      onError: (_ctx, _id, payload, errors) => {
        metrics.operation(labelsOf(payload), errors.map((error) => error.extensions?.code), undefined);
        return errors.map((error) => maskForSocket(error, undefined)) as never;
      },
    },
    wss,
    options.logger,
    addressOf,
    CONNECTION_INIT_TIMEOUT_MS,
    metrics,
  );
  metrics.watch({ openSockets: () => wss.clients.size, live: () => options.tally.read() });
  return {
    close: async () => {
      stopPinging();
      await server.dispose();
    },
  };
}

/** False, with the socket closed (1013), once its unsent data passes MAX_BUFFERED_BYTES: its client reconnects and catches up. */
function keepsUp(state: SocketState): boolean {
  if (state.socket.bufferedAmount <= MAX_BUFFERED_BYTES) return true;
  state.tooSlow();
  return false;
}

/**
 * Where a subscription's events go: graphql-ws `next` frames written straight to the socket, a
 * shared result's serialization reused as it is (a socket that does not keep up is closed instead).
 */
class SocketOutlet implements LiveOutlet {
  constructor(
    private readonly state: SocketState,
    private readonly id: string,
  ) {}

  send(result: ExecutionResult, json: string | undefined, context: unknown): void {
    const { socket } = this.state;
    if (socket.readyState !== socket.OPEN || !keepsUp(this.state)) return;
    const masked = result.errors ? { ...result, errors: result.errors.map((error) => maskForSocket(error as GraphQLError, context as Context)) } : result;
    socket.send(`{"id":${JSON.stringify(this.id)},"type":"${MessageType.Next}","payload":${json ?? JSON.stringify(masked)}}`);
  }

  tooSlow(): void {
    this.state.tooSlow();
  }
}

/** The same masking as over HTTP: an unexpected error is logged in full and reaches the client as a bare INTERNAL_SERVER_ERROR. */
function maskForSocket(error: GraphQLError, context: Context | undefined) {
  const formatted = formatError(error.toJSON(), error);
  const fault = clientFaultOf(error);
  if (fault) context?.log.warn({ sqlState: fault.sqlState, field: fault.field, path: error.path }, 'database refused the client input');
  if (!isUnexpected(error)) return formatted;
  context?.log.error({ err: error.originalError ?? error, path: error.path }, 'operation failed unexpectedly');
  return { ...formatted, extensions: { ...formatted.extensions, requestId: context?.requestId } };
}
