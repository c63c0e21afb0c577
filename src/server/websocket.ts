import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { type GraphQLSchema, GraphQLError } from 'graphql';

import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { type Context, type ContextDependencies, createContext } from './context';
import { formatError } from './format-error';
import { GRAPHQL_PATH } from './http';

const CONNECTION_INIT_TIMEOUT_MS = 3_000;

interface SocketState {
  authorization?: string;
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
}): { close(): Promise<void> } {
  const wss = new WebSocketServer({ server: options.server, path: GRAPHQL_PATH });
  const state = new WeakMap<object, SocketState>();
  const server = useServer<Record<string, unknown> | undefined>(
    {
      schema: options.schema,
      connectionInitWaitTimeout: CONNECTION_INIT_TIMEOUT_MS,
      onConnect: async (ctx) => {
        const authorization = authorizationOf(ctx.connectionParams);
        try {
          if (!authorization || !(await options.context.authenticator.authenticate(authorization))) return false;
        } catch (error) {
          if (error instanceof GraphQLError) return false;
          throw error;
        }
        state.set(ctx, { authorization });
        return true;
      },
      context: (ctx): Context => {
        const requestId = randomUUID();
        // The token is checked again per operation, so a revoked session stops working on open sockets too.
        return createContext(options.context, {
          requestId,
          log: options.logger.child({ reqId: requestId }),
          authorization: state.get(ctx)?.authorization,
          userAgent: ctx.extra.request.headers['user-agent'],
        });
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) as never }
          : result,
    },
    wss,
  );
  return {
    close: async () => {
      await server.dispose();
    },
  };
}

