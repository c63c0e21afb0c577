import type { FastifyBaseLogger } from 'fastify';
import type { Authenticator, Viewer } from '../auth/authenticator';
import type { PrismaClient } from '../generated/prisma/client';
import type { TypingFeed } from '../modules/chats/typing.feed';
import type { MessageFeed } from '../modules/messages/message.feed';
import type { Realtime } from '../realtime/realtime';
import type { SocketState } from '../realtime/sockets';
import { createLoaders, type Loaders } from './loaders';

/** Created per operation (per HTTP request, per socket message); nothing in it outlives the operation. */
export interface Context {
  requestId: string;
  log: FastifyBaseLogger;
  userAgent: string | undefined;
  /** The client's address: the peer's, or the one a trusted proxy (TRUST_PROXY) forwarded. */
  clientAddress: string;
  /** The signed-in viewer: the token and its session are checked on first use, then remembered. */
  viewer(): Promise<Viewer | null>;
  loaders: Loaders;
  /**
   * A subscription's context lives as long as the subscription: before each event its loaders are
   * replaced, so no event is resolved with data cached for an earlier one.
   */
  refreshLoaders(): void;
  realtime: Realtime;
  feeds: Feeds;
  /** The socket an operation came over; absent on HTTP. */
  socket?: SocketState;
}

/** The subscriptions that need more than one topic's events (replay, ordering, expiry). */
export interface Feeds {
  messages: MessageFeed;
  typing: TypingFeed;
}

export interface ContextDependencies {
  authenticator: Authenticator;
  prisma: PrismaClient;
  realtime: Realtime;
  feeds: Feeds;
}

export function createContext(
  dependencies: ContextDependencies,
  request: {
    requestId: string;
    log: FastifyBaseLogger;
    authorization: string | undefined;
    userAgent: string | undefined;
    clientAddress: string;
    socket?: SocketState;
  },
): Context {
  let viewer: Promise<Viewer | null> | undefined;
  const getViewer = () => (viewer ??= dependencies.authenticator.authenticate(request.authorization));
  const viewerId = async () => (await getViewer().catch(() => null))?.userId ?? null;
  // Made on first use: most operations that need none (`__typename`, sign-in) never pay for them.
  let loaders: Loaders | undefined;
  const context: Context = {
    requestId: request.requestId,
    log: request.log,
    userAgent: request.userAgent,
    clientAddress: request.clientAddress,
    viewer: getViewer,
    get loaders() {
      return (loaders ??= createLoaders(dependencies, viewerId));
    },
    refreshLoaders: () => {
      loaders = undefined;
    },
    realtime: dependencies.realtime,
    feeds: dependencies.feeds,
    socket: request.socket,
  };
  return context;
}
