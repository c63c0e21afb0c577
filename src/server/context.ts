import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Authenticator, Viewer } from '../auth/authenticator';
import type { Sql } from '../db/sql';
import type { PrismaClient } from '../generated/prisma/client';
import type { ChatUpdateFeed } from '../modules/chats/chat-update.feed';
import type { TypingFeed } from '../modules/chats/typing.feed';
import type { MessageFeed } from '../modules/messages/message.feed';
import type { PresenceFeed } from '../modules/users/presence.feed';
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

/** Where every live operation gets its events: one feed per feature (see `live`). */
export interface Feeds {
  messages: MessageFeed;
  typing: TypingFeed;
  chats: ChatUpdateFeed;
  presence: PresenceFeed;
}

export interface ContextDependencies {
  authenticator: Authenticator;
  prisma: PrismaClient;
  sql: Sql;
  realtime: Realtime;
  feeds: Feeds;
}

/** A logger whose child naming the operation's requestId is made when the operation first logs. */
export class ChildLogOf {
  constructor(readonly parent: FastifyBaseLogger) {}
}

export interface RequestFacts {
  /** Made on first use when absent (a socket's operations: most never need one). */
  requestId?: string;
  /** The operation's logger, or the one whose child it will use. */
  log: FastifyBaseLogger | ChildLogOf;
  /** Over HTTP, the Authorization header; a socket's operations recheck the socket's viewer instead. */
  authorization?: string;
  userAgent: string | undefined;
  clientAddress: string;
  socket?: SocketState;
}

export function createContext(dependencies: ContextDependencies, request: RequestFacts): Context {
  return new OperationContext(dependencies, request);
}

/**
 * A class, not an object of closures: made for every operation, it should cost next to nothing.
 * What is made lazily (the logger, the loaders) waits in a field that every instance has from the
 * start, so that filling or clearing it never changes the object's shape (a `delete` would turn
 * it into a slow dictionary, for the life of a subscription). Apollo shallow-copies the context
 * before executing (own properties, same prototype): the copy sees the same fields and getters.
 */
class OperationContext implements Context {
  private id: string | undefined;
  readonly userAgent: string | undefined;
  readonly clientAddress: string;
  readonly realtime: Realtime;
  readonly feeds: Feeds;
  readonly socket: SocketState | undefined;
  private signedIn: Promise<Viewer | null> | undefined = undefined;
  private logger: FastifyBaseLogger | undefined;
  private currentLoaders: Loaders | undefined = undefined;

  constructor(
    private readonly dependencies: ContextDependencies,
    private readonly request: RequestFacts,
  ) {
    this.id = request.requestId;
    this.logger = request.log instanceof ChildLogOf ? undefined : request.log;
    this.userAgent = request.userAgent;
    this.clientAddress = request.clientAddress;
    this.realtime = dependencies.realtime;
    this.feeds = dependencies.feeds;
    this.socket = request.socket;
  }

  get requestId(): string {
    return (this.id ??= randomUUID());
  }

  viewer(): Promise<Viewer | null> {
    const { authenticator } = this.dependencies;
    return (this.signedIn ??= this.socket ? authenticator.recheck(this.socket.viewer) : authenticator.authenticate(this.request.authorization));
  }

  get log(): FastifyBaseLogger {
    const { log } = this.request;
    return (this.logger ??= log instanceof ChildLogOf ? log.parent.child({ reqId: this.requestId }) : log);
  }

  /** Made on first use: most operations that need none (`__typename`, sign-in) never pay for them. */
  get loaders(): Loaders {
    return (this.currentLoaders ??= createLoaders(this.dependencies, async () => (await this.viewer().catch(() => null))?.userId ?? null));
  }

  refreshLoaders(): void {
    this.currentLoaders = undefined;
  }
}
