import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { Viewer } from '../auth/authenticator';
import type { PrismaClient } from '../generated/prisma/client';
import { Deadlines } from './deadlines';
import type { EventBus } from './pubsub';
import type { Presence } from './presence';
import type { ChatUpdateEvent, FriendshipChange, SessionRevocation, Topic, Topics } from './topics';

/** Topics whose events belong to one chat: they are routed to the sockets in that chat, and no others. */
export type ChatTopic = { [TTopic in Topic]: Topics[TTopic][0] extends { chatId: string } ? TTopic : never }[Topic];

/** A live subscription's hold on one chat topic: it takes the topic's events in the socket's chats as they come. */
export interface ChatListener<T> {
  take(event: T): void;
  /** Events may have been lost (Redis came back after an outage): catch up from the database. */
  resync?(): void;
}

/** Decides when each event of a topic is routed: at once, or after the events that should come first. */
export interface EventOrder<T> {
  take(event: T, route: (event: T) => void): void;
  close(): void;
}

interface Listening {
  topic: ChatTopic;
  listener: ChatListener<never>;
}

export const CLOSE_TRY_AGAIN_LATER = 1013;

/** Hears the sockets closed because their reader fell too far behind. */
export interface SlowConsumers {
  slowConsumerClosed(): void;
}

/** Closed with this when the session ends or its token expires: the client signs in again and reconnects. */
export const CLOSE_SESSION_ENDED = 4403;

/**
 * What a user's subscriptions on this instance may see, kept in memory so that per-event
 * authorization needs no query: the chats the user is in now, and the people whose presence they
 * may follow. One per user, shared by all of the user's sockets here; kept by the registry.
 */
export class UserAccess {
  readonly chatIds = new Set<string>();
  readonly contacts = new Set<string>();
  readonly sockets = new Set<SocketState>();
  /** Counts the membership and friendship events applied: a read that overlapped one is done again. */
  version = 0;
  /** Settles once the chats and contacts are read (on the user's first socket). */
  loaded: Promise<void> = Promise.resolve();
}

/** One open socket: its viewer, and its subscriptions to chat topics. */
export class SocketState {
  /** This socket's subscriptions to chat topics, which the registry calls for events of its chats (replaced, never changed in place). */
  listeners: readonly Listening[] = [];

  constructor(
    readonly viewer: Viewer,
    readonly socket: WebSocket,
    /** Shared with the user's other sockets here; kept by the registry. */
    readonly access: UserAccess,
    private readonly slowConsumers: SlowConsumers,
  ) {}

  get userId(): string {
    return this.viewer.userId;
  }

  /** The chats the user is in now (read it, never change it: the registry keeps it). */
  get chatIds(): ReadonlySet<string> {
    return this.access.chatIds;
  }

  /** The people whose presence the user may follow. */
  get contacts(): ReadonlySet<string> {
    return this.access.contacts;
  }

  /** This socket's reader cannot keep up: close it (1013) so that the client reconnects and catches up. */
  tooSlow(): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.close(CLOSE_TRY_AGAIN_LATER, 'Too slow: reconnect and catch up');
    this.slowConsumers.slowConsumerClosed();
  }
}

/**
 * The open sockets of this instance, kept in step with membership, friendship and session events.
 * It routes chat events: an event reaches the sockets in its chat now, so the work per event grows
 * with the chat's members on this instance, not with every subscription of the instance.
 */
export class SocketRegistry {
  private readonly byUser = new Map<string, UserAccess>();
  private readonly byChat = new Map<string, Set<UserAccess>>();
  /** Per chat topic, the sockets with a subscription to it: events nobody here follows cost nothing. */
  private readonly listening = new Map<ChatTopic, Set<SocketState>>();
  private readonly orders = new Map<ChatTopic, EventOrder<never>>();
  private readonly stop: (() => void)[] = [];
  /** A socket lives no longer than its access token: the client reconnects with a fresh one. */
  private readonly expiries = new Deadlines<SocketState>((state) => state.socket.close(CLOSE_SESSION_ENDED, 'Access token expired'));

  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: EventBus,
    private readonly presence: Presence,
    private readonly logger: Logger,
    private readonly slowConsumers: SlowConsumers,
  ) {
    this.stop.push(
      bus.listen('chat.updated', (event) => this.onChatUpdated(event)),
      bus.listen('friendship.changed', (event) => this.onFriendshipChanged(event)),
      bus.listen('session.revoked', (event) => this.onSessionRevoked(event)),
      // Events may have been lost while Redis was away: every user's access is read again, and
      // every subscription that can catches up.
      bus.onResync(() => {
        for (const [userId, access] of this.byUser) {
          this.loadAccess(userId, access).catch((error: Error) => this.logger.warn({ err: error.message, userId }, 'access not read again after resync'));
        }
        for (const access of this.byUser.values()) for (const state of access.sockets) for (const { listener } of state.listeners) listener.resync?.();
      }),
    );
  }

  async open(viewer: Viewer, socket: WebSocket): Promise<SocketState> {
    // Counted before the first await, so sign-ins racing each other cannot all pass a cap on countFor.
    let access = this.byUser.get(viewer.userId);
    if (!access) {
      access = new UserAccess();
      this.byUser.set(viewer.userId, access);
      access.loaded = this.loadAccess(viewer.userId, access);
    }
    const state = new SocketState(viewer, socket, access, this.slowConsumers);
    access.sockets.add(state);
    try {
      await access.loaded;
    } catch (error) {
      // The next socket of the user reads again.
      if (this.byUser.get(viewer.userId) === access) this.byUser.delete(viewer.userId);
      this.forget(state);
      throw error;
    }
    this.expiries.add(state, viewer.accessTokenExpiresAt.getTime());
    try {
      await this.presence.connect(viewer.userId);
    } catch (error) {
      this.forget(state);
      throw error;
    }
    return state;
  }

  /**
   * Hands `listener` every event of `topic` in a chat the socket is in when the event arrives
   * (membership events are applied first: a removed member hears nothing more, at once), until
   * `stopListening`.
   */
  listenInChats<TTopic extends ChatTopic>(state: SocketState, topic: TTopic, listener: ChatListener<Topics[TTopic][0]>): void {
    let listening = this.listening.get(topic);
    if (!listening) {
      this.listening.set(topic, (listening = new Set()));
      const route = (event: Topics[TTopic][0]) => this.route(topic, event);
      const order = this.orders.get(topic) as EventOrder<Topics[TTopic][0]> | undefined;
      this.stop.push(this.bus.listen(topic, order ? (event) => order.take(event, route) : route));
    }
    state.listeners = [...state.listeners, { topic, listener: listener as ChatListener<never> }];
    listening.add(state);
  }

  /** Events of `topic` go through `order` before they are routed (given before anyone listens to the topic). */
  orderBy<TTopic extends ChatTopic>(topic: TTopic, order: EventOrder<Topics[TTopic][0]>): void {
    this.orders.set(topic, order as EventOrder<never>);
  }

  stopListening(state: SocketState, listener: ChatListener<never>): void {
    const entry = state.listeners.find((candidate) => candidate.listener === listener);
    if (!entry) return;
    state.listeners = state.listeners.filter((candidate) => candidate !== entry);
    if (!state.listeners.some(({ topic }) => topic === entry.topic)) this.listening.get(entry.topic)?.delete(state);
  }

  /** Hands the event to the subscriptions of the sockets in its chat, walking whichever is fewer: the chat's users, or the topic's sockets. */
  private route(topic: ChatTopic, event: { chatId: string }): void {
    const listening = this.listening.get(topic);
    const users = this.byChat.get(event.chatId);
    if (!listening?.size || !users) return;
    const tell = (state: SocketState) => {
      for (const entry of state.listeners) {
        if (entry.topic !== topic) continue;
        try {
          entry.listener.take(event as never);
        } catch (error) {
          // One subscription's failure must not keep the event from the others.
          this.logger.error({ err: error, topic }, 'a live subscription failed to take an event');
        }
      }
    };
    if (listening.size < users.size) {
      for (const state of listening) if (state.access.chatIds.has(event.chatId)) tell(state);
    } else {
      for (const access of users) for (const state of access.sockets) tell(state);
    }
  }

  private join(access: UserAccess, chatId: string): void {
    access.chatIds.add(chatId);
    const users = this.byChat.get(chatId) ?? new Set();
    this.byChat.set(chatId, users);
    users.add(access);
  }

  private leave(access: UserAccess, chatId: string): void {
    access.chatIds.delete(chatId);
    const users = this.byChat.get(chatId);
    if (!users?.delete(access)) return;
    if (users.size === 0) this.byChat.delete(chatId);
  }

  countFor(userId: string): number {
    return this.byUser.get(userId)?.sockets.size ?? 0;
  }

  async close(state: SocketState): Promise<void> {
    if (this.forget(state)) await this.presence.disconnect(state.userId);
  }

  /** Takes the socket out of the registry (and its user, with their last socket); false when it was not in it. */
  private forget(state: SocketState): boolean {
    this.expiries.delete(state);
    state.listeners = [];
    for (const listening of this.listening.values()) listening.delete(state);
    const { access } = state;
    if (!access.sockets.delete(state)) return false;
    if (access.sockets.size === 0) {
      if (this.byUser.get(state.userId) === access) this.byUser.delete(state.userId);
      for (const chatId of [...access.chatIds]) this.leave(access, chatId);
    }
    return true;
  }

  async closeAll(): Promise<void> {
    for (const stop of this.stop) stop();
    for (const order of this.orders.values()) order.close();
    this.expiries.close();
    await Promise.all([...this.byUser.values()].flatMap((access) => [...access.sockets]).map((state) => this.close(state)));
  }

  /**
   * Reads the user's chats and contacts and puts them in place of what `access` holds. A membership
   * event applied meanwhile may be older or newer than the rows read: the read is done again (up to
   * three times), so that a removal is not undone by rows read before it.
   */
  private async loadAccess(userId: string, access: UserAccess): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const version = access.version;
      const [memberships, friends] = await Promise.all([
        this.prisma.chatMember.findMany({ where: { userId }, select: { chatId: true } }),
        this.prisma.friendship.findMany({ where: { userId, status: 'ACCEPTED' }, select: { otherUserId: true } }),
      ]);
      const chatIds = new Set(memberships.map(({ chatId }) => chatId));
      const coMembers = await this.prisma.chatMember.findMany({
        where: { chatId: { in: [...chatIds] }, userId: { not: userId } },
        select: { userId: true },
        distinct: ['userId'],
      });
      if (access.version !== version && attempt < 3) continue;
      // All the user's sockets closed meanwhile: nothing to keep in the indexes.
      if (this.byUser.get(userId) !== access) return;
      for (const chatId of [...access.chatIds]) if (!chatIds.has(chatId)) this.leave(access, chatId);
      for (const chatId of chatIds) this.join(access, chatId);
      access.contacts.clear();
      for (const member of coMembers) access.contacts.add(member.userId);
      for (const friend of friends) access.contacts.add(friend.otherUserId);
      return;
    }
  }

  private onChatUpdated(event: ChatUpdateEvent): void {
    const gone = event.kind === 'MEMBER_REMOVED' || event.kind === 'MEMBER_LEFT' ? new Set(event.userIds) : new Set<string>();
    for (const userId of new Set([...event.memberIds, ...event.userIds])) {
      const access = this.byUser.get(userId);
      if (!access) continue;
      access.version += 1;
      if (gone.has(userId)) {
        this.leave(access, event.chatId);
        continue;
      }
      this.join(access, event.chatId);
      for (const other of event.memberIds) if (other !== userId) access.contacts.add(other);
    }
  }

  private onFriendshipChanged({ userIds: [a, b] }: FriendshipChange): void {
    // Becoming friends widens who may follow whom; the other direction is left to reconnects.
    for (const [userId, other] of [[a, b], [b, a]] as const) {
      const access = this.byUser.get(userId);
      if (!access) continue;
      access.version += 1;
      access.contacts.add(other);
    }
  }

  private onSessionRevoked(event: SessionRevocation): void {
    for (const state of this.byUser.get(event.userId)?.sockets ?? []) {
      const { sessionId } = state.viewer;
      const ends = event.sessionIds ? event.sessionIds.includes(sessionId) : sessionId !== event.exceptSessionId;
      if (ends) state.socket.close(CLOSE_SESSION_ENDED, 'Session ended');
    }
  }
}
