import { ChatFeed, type ChatRouting } from '../../realtime/chat-feed';
import { MAX_WAITING_EVENTS } from '../../realtime/live-feed';
import type { SocketState } from '../../realtime/sockets';
import type { MessageAddedEvent } from '../../realtime/topics';
import type { Message } from './message.type';

export const CATCH_UP_PAGE = 100;

/** Events may have been lost (Redis came back): every chat is read again from its last delivered seq. */
const RESYNC = Symbol('resync');
type MessageInput = MessageAddedEvent | typeof RESYNC;

/** Where messageAdded subscriptions get what they share: views of events, stored pages, delivery tracking. */
export interface MessageSource {
  /** The event's message as this viewer sees it. */
  viewOf(event: MessageAddedEvent, viewerId: string): Message;
  /** Stored messages with afterSeq < seq (< beforeSeq), oldest first, at most CATCH_UP_PAGE. */
  page(chatId: string, afterSeq: number, beforeSeq: number | undefined): Promise<MessageAddedEvent[]>;
  /** A message of someone else's reached the viewer. */
  delivered(message: Message, viewerId: string): void;
}

/**
 * messageAdded for one subscriber: each chat's messages in seq order, none missed and none twice.
 * It remembers the last seq it delivered per chat, drops what it has already delivered, and fills
 * any gap from the database, which is the truth: events come in order (see MessageOrder), so a gap
 * is an event lost (while Redis was away) or so late that it is not waited for any longer.
 * A live event that follows on is delivered at once, in the call that brought it. While the
 * database is read (a replay, a gap, a resync), what arrives waits, in order, and is taken after.
 */
export class MessageStream extends ChatFeed<'message.added', Message> {
  /** Inputs waiting for a read to end (and, until the sink attaches, for the start). */
  private waiting: MessageInput[] | undefined = [];

  constructor(
    routing: ChatRouting,
    socket: SocketState,
    private readonly source: MessageSource,
    /** The one chat followed, or null for all the viewer's chats. */
    private readonly chatId: string | null,
    /** The last seq the subscriber knows, per chat. */
    private readonly last: Map<string, number>,
  ) {
    super(routing, socket, 'message.added');
  }

  /** A live event, or an input of its own: taken now, or after the read under way. */
  take(input: MessageInput): void {
    if (this.closed) return;
    if (!this.waiting) return this.handle(input);
    if (this.waiting.length < MAX_WAITING_EVENTS) this.waiting.push(input);
    else this.overflow();
  }

  resync(): void {
    this.take(RESYNC);
  }

  /** The subscriber is attached: one chat from a seq replays first; then what waited is taken. */
  protected override started(): void {
    const chat = this.chatId;
    if (chat !== null) this.read(() => this.catchUp(chat, this.last.get(chat)!));
    else this.resume();
  }

  private handle(input: MessageInput): void {
    if (input === RESYNC) this.read(() => this.catchUpEveryChat());
    else this.live(input);
  }

  private live(event: MessageAddedEvent): void {
    const chat = event.chatId;
    // Per-event authorization: the viewer is in the chat now (not merely when subscribing), and it is the one asked for.
    if (!this.socket.chatIds.has(chat) || (this.chatId !== null && this.chatId !== chat)) return;
    const last = this.last.get(chat);
    if (last !== undefined && event.message.seq <= last) return;
    const message = this.source.viewOf(event, this.socket.userId);
    if (last === undefined || message.seq === last + 1) return this.deliver(message);
    // Messages are missing before this one: the database gives them (what it does not hold never existed).
    this.read(async () => {
      await this.catchUp(chat, last, message.seq);
      if (!this.closed && message.seq > this.last.get(chat)!) this.deliver(message);
    });
  }

  private deliver(message: Message): void {
    this.last.set(message.chatId, message.seq);
    if (message.authorId !== this.socket.userId) this.source.delivered(message, this.socket.userId);
    this.push(message);
  }

  /** Runs `work` (a read), with every input meanwhile waiting; then takes them in order. */
  private read(work: () => Promise<void>): void {
    this.waiting ??= [];
    work()
      .then(() => this.resume())
      .catch((error: unknown) => this.fail(error));
  }

  private resume(): void {
    const waiting = this.waiting ?? [];
    this.waiting = undefined;
    for (let index = 0; index < waiting.length && !this.closed; index += 1) {
      this.handle(waiting[index]!);
      // That input started another read: the rest waits for it, ahead of anything newer.
      const again = this.waiting as MessageInput[] | undefined;
      if (again) return void again.push(...waiting.slice(index + 1));
    }
  }

  /** Delivers the stored messages of `chat` after `afterSeq` (and below `beforeSeq`), a page at a time. */
  private async catchUp(chat: string, afterSeq: number, beforeSeq?: number): Promise<void> {
    for (let cursor = afterSeq; ; ) {
      const stored = await this.source.page(chat, cursor, beforeSeq);
      if (this.closed) return;
      for (const event of stored) this.deliver(this.source.viewOf(event, this.socket.userId));
      if (stored.length < CATCH_UP_PAGE) return;
      cursor = stored.at(-1)!.message.seq;
    }
  }

  private async catchUpEveryChat(): Promise<void> {
    for (const [chat, seq] of [...this.last]) {
      if (!this.socket.chatIds.has(chat)) continue;
      await this.catchUp(chat, seq);
      if (this.closed) return;
    }
  }
}
