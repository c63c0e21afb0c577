import type { WebSocket } from 'ws';
import type { Viewer } from '../auth/authenticator';
import type { PrismaClient } from '../generated/prisma/client';
import type { EventBus } from './pubsub';
import type { Presence } from './presence';
import type { ChatUpdateEvent, FriendshipChange, SessionRevocation, Topic, Topics } from './topics';

/** Topics whose events belong to one chat: they are routed to the sockets in that chat, and no others. */
export type ChatTopic = { [TTopic in Topic]: Topics[TTopic][0] extends { chatId: string } ? TTopic : never }[Topic];
type ChatHandler = (payload: { chatId: string }) => void;

export const CLOSE_TRY_AGAIN_LATER = 1013;

/** Closed with this when the session ends or its token expires: the client signs in again and reconnects. */
export const CLOSE_SESSION_ENDED = 4403;

/**
 * What one socket's subscriptions may see, kept in memory so that per-event authorization needs
 * no query: the chats the user is in now, and the people whose presence they may follow.
 */
export class SocketState {
  /** Kept by the registry (with its index from chat to sockets): read it, never change it. */
  readonly chatIds = new Set<string>();
  readonly contacts = new Set<string>();
  expiryTimer: NodeJS.Timeout | undefined;
  /** This socket's subscriptions to chat topics, which the registry calls for events of its chats. */
  readonly handlers = new Map<ChatTopic, Set<ChatHandler>>();

  constructor(
    readonly viewer: Viewer,
    readonly socket: WebSocket,
  ) {}

  get userId(): string {
    return this.viewer.userId;
  }

  /** This socket's reader cannot keep up: close it (1013) so that the client reconnects and catches up. */
  readonly tooSlow = (): void => {
    this.socket.close(CLOSE_TRY_AGAIN_LATER, 'Too slow: reconnect and catch up');
  };
}

/**
 * The open sockets of this instance, kept in step with membership, friendship and session events.
 * It routes chat events: an event reaches the sockets in its chat now, so the work per event grows
 * with the chat's members on this instance, not with every subscription of the instance.
 */
export class SocketRegistry {
  private readonly byUser = new Map<string, Set<SocketState>>();
  private readonly byChat = new Map<string, Set<SocketState>>();
  private readonly routed = new Set<ChatTopic>();
  private readonly stop: (() => void)[] = [];

  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: EventBus,
    private readonly presence: Presence,
  ) {
    this.stop.push(
      bus.listen('chat.updated', (event) => this.onChatUpdated(event)),
      bus.listen('friendship.changed', (event) => this.onFriendshipChanged(event)),
      bus.listen('session.revoked', (event) => this.onSessionRevoked(event)),
    );
  }

  async open(viewer: Viewer, socket: WebSocket): Promise<SocketState> {
    const state = new SocketState(viewer, socket);
    // Counted before the first await, so sign-ins racing each other cannot all pass a cap on countFor.
    const users = this.byUser.get(viewer.userId) ?? new Set();
    users.add(state);
    this.byUser.set(viewer.userId, users);
    try {
      await this.loadAccess(state);
    } catch (error) {
      this.forget(state);
      throw error;
    }
    // A socket lives no longer than its access token: the client reconnects with a fresh one.
    const remaining = viewer.accessTokenExpiresAt.getTime() - Date.now();
    state.expiryTimer = setTimeout(() => socket.close(CLOSE_SESSION_ENDED, 'Access token expired'), Math.max(0, remaining));
    await this.presence.connect(viewer.userId);
    return state;
  }

  /**
   * Calls `handler` for every event of `topic` in a chat the socket is in when the event arrives
   * (membership events are applied first: a removed member hears nothing more, at once).
   */
  listenInChats<TTopic extends ChatTopic>(state: SocketState, topic: TTopic, handler: (payload: Topics[TTopic][0]) => void): () => void {
    if (!this.routed.has(topic)) {
      this.routed.add(topic);
      this.stop.push(this.bus.listen(topic, (event) => this.route(topic, event)));
    }
    const handlers = state.handlers.get(topic) ?? new Set();
    state.handlers.set(topic, handlers);
    handlers.add(handler as ChatHandler);
    return () => handlers.delete(handler as ChatHandler);
  }

  private route(topic: ChatTopic, event: { chatId: string }): void {
    for (const state of this.byChat.get(event.chatId) ?? []) {
      for (const handler of state.handlers.get(topic) ?? []) handler(event);
    }
  }

  private join(state: SocketState, chatId: string): void {
    state.chatIds.add(chatId);
    const sockets = this.byChat.get(chatId) ?? new Set();
    this.byChat.set(chatId, sockets);
    sockets.add(state);
  }

  private leave(state: SocketState, chatId: string): void {
    state.chatIds.delete(chatId);
    const sockets = this.byChat.get(chatId);
    if (!sockets?.delete(state)) return;
    if (sockets.size === 0) this.byChat.delete(chatId);
  }

  countFor(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  async close(state: SocketState): Promise<void> {
    clearTimeout(state.expiryTimer);
    if (this.forget(state)) await this.presence.disconnect(state.userId);
  }

  /** Takes the socket out of both indexes; false when it was in neither. */
  private forget(state: SocketState): boolean {
    for (const chatId of [...state.chatIds]) this.leave(state, chatId);
    state.handlers.clear();
    const users = this.byUser.get(state.userId);
    if (!users?.delete(state)) return false;
    if (users.size === 0) this.byUser.delete(state.userId);
    return true;
  }

  async closeAll(): Promise<void> {
    for (const stop of this.stop) stop();
    await Promise.all([...this.byUser.values()].flatMap((states) => [...states]).map((state) => this.close(state)));
  }

  private async loadAccess(state: SocketState): Promise<void> {
    const [memberships, friends] = await Promise.all([
      this.prisma.chatMember.findMany({ where: { userId: state.userId }, select: { chatId: true } }),
      this.prisma.friendship.findMany({ where: { userId: state.userId, status: 'ACCEPTED' }, select: { otherUserId: true } }),
    ]);
    for (const { chatId } of memberships) this.join(state, chatId);
    const coMembers = await this.prisma.chatMember.findMany({
      where: { chatId: { in: [...state.chatIds] }, userId: { not: state.userId } },
      select: { userId: true },
      distinct: ['userId'],
    });
    for (const { userId } of [...coMembers, ...friends.map((friend) => ({ userId: friend.otherUserId }))]) state.contacts.add(userId);
  }

  private onChatUpdated(event: ChatUpdateEvent): void {
    const gone = event.kind === 'MEMBER_REMOVED' || event.kind === 'MEMBER_LEFT' ? new Set(event.userIds) : new Set<string>();
    for (const userId of new Set([...event.memberIds, ...event.userIds])) {
      for (const state of this.byUser.get(userId) ?? []) {
        if (gone.has(userId)) this.leave(state, event.chatId);
        else this.join(state, event.chatId);
        if (!gone.has(userId)) for (const other of event.memberIds) if (other !== userId) state.contacts.add(other);
      }
    }
  }

  private onFriendshipChanged({ userIds: [a, b] }: FriendshipChange): void {
    // Becoming friends widens who may follow whom; the other direction is left to reconnects.
    for (const [userId, other] of [[a, b], [b, a]] as const) for (const state of this.byUser.get(userId) ?? []) state.contacts.add(other);
  }

  private onSessionRevoked(event: SessionRevocation): void {
    for (const state of this.byUser.get(event.userId) ?? []) {
      const { sessionId } = state.viewer;
      const ends = event.sessionIds ? event.sessionIds.includes(sessionId) : sessionId !== event.exceptSessionId;
      if (ends) state.socket.close(CLOSE_SESSION_ENDED, 'Session ended');
    }
  }
}
