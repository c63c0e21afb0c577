import { GraphQLError } from 'graphql';
import type { Context } from '../server/context';
import type { SocketState } from './sockets';

/** Subscriptions run over graphql-ws only: their per-event access checks live on the socket. */
export function requireSocket(context: Context): SocketState {
  if (!context.socket) {
    throw new GraphQLError('Subscriptions run over WebSocket (graphql-transport-ws) on /graphql.', { extensions: { code: 'BAD_REQUEST' } });
  }
  return context.socket;
}
