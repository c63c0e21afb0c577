import { GraphQLError } from 'graphql';
import type { SubscribeResolverData } from 'type-graphql';
import type { SocketState } from '../realtime/sockets';
import type { Context, Feeds } from './context';

type Events = AsyncIterableIterator<unknown>;

/**
 * The `subscribe` of every live operation: it hands the socket and the arguments to the feature's
 * feed, and nothing else.
 *
 *   @Subscription(() => Message, { subscribe: live((feeds, socket, args: ChatArgs) => feeds.messages.added(socket, args)) })
 *
 * A subscription's context lives as long as the subscription, so each event is resolved with fresh
 * loaders: none sees data cached for an earlier one.
 */
export function live<TArgs = Record<string, never>>(open: (feeds: Feeds, socket: SocketState, args: TArgs) => Events | Promise<Events>) {
  return async ({ args, context }: SubscribeResolverData<unknown, TArgs, Context>): Promise<Events> =>
    withFreshLoaders(await open(context.feeds, requireSocket(context), args), context);
}

/** Subscriptions run over graphql-ws only: their per-event access checks live on the socket. */
function requireSocket(context: Context): SocketState {
  if (!context.socket) {
    throw new GraphQLError('Subscriptions run over WebSocket (graphql-transport-ws) on /graphql.', { extensions: { code: 'BAD_REQUEST' } });
  }
  return context.socket;
}

function withFreshLoaders(events: Events, context: Context): Events {
  return {
    next: async () => {
      const result = await events.next();
      if (!result.done) context.refreshLoaders();
      return result;
    },
    return: (value?: unknown) => events.return?.(value) ?? Promise.resolve({ done: true, value }),
    throw: (error?: unknown) => events.throw?.(error) ?? Promise.reject(error),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
