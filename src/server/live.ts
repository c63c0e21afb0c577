import { GraphQLError } from 'graphql';
import type { SubscribeResolverData } from 'type-graphql';
import type { LiveFeed } from '../realtime/live-feed';
import type { SocketState } from '../realtime/sockets';
import type { Context, Feeds } from './context';

type Events = LiveFeed<unknown>;

/**
 * The `subscribe` of every live operation: it hands the socket and the arguments to the feature's
 * feed, and nothing else.
 *
 *   @Subscription(() => Message, { subscribe: live((feeds, socket, args: ChatArgs) => feeds.messages.added(socket, args)) })
 *
 * Each event is then resolved (with fresh loaders) and written by `liveExecution`.
 */
export function live<TArgs = Record<string, never>>(open: (feeds: Feeds, socket: SocketState, args: TArgs) => Events | Promise<Events>) {
  return ({ args, context }: SubscribeResolverData<unknown, TArgs, Context>): Events | Promise<Events> => open(context.feeds, requireSocket(context), args);
}

/** Subscriptions run over graphql-ws only: their per-event access checks live on the socket. */
function requireSocket(context: Context): SocketState {
  if (!context.socket) {
    throw new GraphQLError('Subscriptions run over WebSocket (graphql-transport-ws) on /graphql.', { extensions: { code: 'BAD_REQUEST' } });
  }
  return context.socket;
}
