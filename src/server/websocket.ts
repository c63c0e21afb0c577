import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { getOperationAST, type GraphQLSchema, GraphQLError, type ValidationRule } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Viewer } from '../auth/authenticator';
import type { SocketState } from '../realtime/sockets';
import { type Context, type ContextDependencies, createContext } from './context';
import { formatError, isUnexpected } from './format-error';
import { GRAPHQL_PATH } from './http';
import { checkSocketOperation } from './limits';

const CONNECTION_INIT_TIMEOUT_MS = 3_000;
/** A socket whose unsent data passes this is closed (1013) rather than left to grow memory; its client catches up. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
export const CLOSE_TRY_AGAIN_LATER = 1013;

interface Connection {
  authorization: string;
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
  context: ContextDependencies;
  logger: Logger;
  validationRules: readonly ValidationRule[];
}) {
  const { authenticator, realtime } = options.context;
  const wss = new WebSocketServer({ server: options.server, path: GRAPHQL_PATH });
  const connections = new WeakMap<object, Connection>();
  const server = useServer<Record<string, unknown> | undefined>(
    {
      schema: options.schema,
      connectionInitWaitTimeout: CONNECTION_INIT_TIMEOUT_MS,
      onConnect: async (ctx) => {
        const authorization = authorizationOf(ctx.connectionParams);
        let viewer: Viewer | null = null;
        try {
          viewer = authorization ? await authenticator.authenticate(authorization) : null;
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
        }
        if (!authorization || !viewer) return false; // closes with 4403 Forbidden
        const socket = await realtime.sockets.open(viewer, ctx.extra.socket);
        if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) {
          // Gone while signing in: onClose has run already and found nothing to clean up.
          await realtime.sockets.close(socket);
          return false;
        }
        connections.set(ctx, { authorization, socket, allowAllOperations: ctx.connectionParams?.allowQueriesAndMutations === true });
        return true;
      },
      onClose: async (ctx) => {
        const connection = connections.get(ctx);
        if (connection) await realtime.sockets.close(connection.socket);
      },
      onSubscribe: (ctx, _id, payload) => {
        // The same limits as over HTTP: tokens, depth, aliases, directives, cost.
        const checked = checkSocketOperation(options.schema, options.validationRules, payload);
        if ('errors' in checked) return [...checked.errors];
        const kind = getOperationAST(checked.document, payload.operationName)?.operation;
        if (kind !== 'subscription' && !connections.get(ctx)?.allowAllOperations) {
          return [
            new GraphQLError(
              'Only subscriptions run over the socket; send queries and mutations over HTTP, or connect with connectionParams.allowQueriesAndMutations = true.',
              { extensions: { code: 'BAD_REQUEST' } },
            ),
          ];
        }
        return { schema: options.schema, document: checked.document, operationName: payload.operationName, variableValues: payload.variables };
      },
      context: (ctx): Context => {
        const requestId = randomUUID();
        const connection = connections.get(ctx);
        // The token is checked again per operation, so a revoked session stops working on open sockets too.
        return createContext(options.context, {
          requestId,
          log: options.logger.child({ reqId: requestId }),
          authorization: connection?.authorization,
          userAgent: ctx.extra.request.headers['user-agent'],
          socket: connection?.socket,
        });
      },
      onNext: (ctx, _id, _payload, args, result) => {
        if (ctx.extra.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          ctx.extra.socket.close(CLOSE_TRY_AGAIN_LATER, 'Too slow: reconnect and catch up');
          return;
        }
        if (!result.errors) return;
        const context = args.contextValue as Context;
        return { ...result, errors: result.errors.map((error) => maskForSocket(error, context)) as never };
      },
      onError: (ctx, _id, _payload, errors) => errors.map((error) => maskForSocket(error, undefined)) as never,
    },
    wss,
  );
  return {
    close: async () => {
      await server.dispose();
    },
  };
}

/** The same masking as over HTTP: an unexpected error is logged in full and reaches the client as a bare INTERNAL_SERVER_ERROR. */
function maskForSocket(error: GraphQLError, context: Context | undefined) {
  const formatted = formatError(error.toJSON(), error);
  if (!isUnexpected(error)) return formatted;
  context?.log.error({ err: error.originalError ?? error, path: error.path }, 'operation failed unexpectedly');
  return { ...formatted, extensions: { ...formatted.extensions, requestId: context?.requestId } };
}
