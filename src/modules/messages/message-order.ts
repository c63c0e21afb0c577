import { LRUCache } from 'lru-cache';
import type { EventOrder } from '../../realtime/sockets';
import type { MessageAddedEvent } from '../../realtime/topics';

/** How long a message that came ahead of a missing seq waits for it before it is routed anyway. */
export const GAP_GRACE_MS = 100;
/** Chats whose last routed seq this instance remembers; the least recently active are forgotten. */
const REMEMBERED_CHATS = 50_000;

type Route = (event: MessageAddedEvent) => void;

interface Held {
  events: Map<number, MessageAddedEvent>;
  timer: NodeJS.Timeout;
}

/**
 * Routes each chat's new messages in seq order on this instance. Sends to one chat commit in
 * parallel, so their events may cross: the one missing is most often a moment behind. A message
 * that comes ahead of it waits here, once for the whole instance (not once per subscriber), until
 * the missing one comes or `GAP_GRACE_MS` has passed; then it is routed anyway, and its
 * subscribers fill the gap from the database, which is the truth (an event lost while Redis was away).
 */
export class MessageOrder implements EventOrder<MessageAddedEvent> {
  private readonly last = new LRUCache<string, number>({ max: REMEMBERED_CHATS });
  private readonly held = new Map<string, Held>();

  /** `routed` hears each message once it has been routed (written to the sockets that resolve it at once). */
  constructor(private readonly routed: (event: MessageAddedEvent) => void = () => {}) {}

  /** A subscriber read the chat's lastSeq: what comes after it is routed in order (unless this instance knows later). */
  knownUpTo(chatId: string, seq: number): void {
    if (!this.last.has(chatId)) this.last.set(chatId, seq);
  }

  take(event: MessageAddedEvent, route: Route): void {
    const { chatId } = event;
    const { seq } = event.message;
    const last = this.last.get(chatId);
    if (last !== undefined && seq > last + 1) return this.hold(event, route);
    if (last === undefined || seq > last) this.last.set(chatId, seq);
    this.route(event, route);
    this.release(chatId, route);
  }

  close(): void {
    for (const { timer } of this.held.values()) clearTimeout(timer);
    this.held.clear();
  }

  private hold(event: MessageAddedEvent, route: Route): void {
    let held = this.held.get(event.chatId);
    if (!held) {
      const timer = setTimeout(() => this.expire(event.chatId, route), GAP_GRACE_MS).unref();
      this.held.set(event.chatId, (held = { events: new Map(), timer }));
    }
    held.events.set(event.message.seq, event);
  }

  /** Routes the held messages of the chat that now follow on. */
  private release(chatId: string, route: Route): void {
    const held = this.held.get(chatId);
    if (!held) return;
    let last = this.last.get(chatId)!;
    for (let next = held.events.get(last + 1); next; next = held.events.get(last + 1)) {
      held.events.delete(last + 1);
      this.last.set(chatId, (last += 1));
      this.route(next, route);
    }
    if (held.events.size > 0) return;
    clearTimeout(held.timer);
    this.held.delete(chatId);
  }

  /** The missing ones did not come: what waited is routed, in seq order. */
  private expire(chatId: string, route: Route): void {
    const held = this.held.get(chatId);
    if (!held) return;
    this.held.delete(chatId);
    for (const seq of [...held.events.keys()].sort((a, b) => a - b)) {
      this.last.set(chatId, Math.max(this.last.get(chatId) ?? seq, seq));
      this.route(held.events.get(seq)!, route);
    }
  }

  private route(event: MessageAddedEvent, route: Route): void {
    route(event);
    this.routed(event);
  }
}
