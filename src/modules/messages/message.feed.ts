import { BadInputError } from '../../errors/errors';
import type { PrismaClient } from '../../generated/prisma/client';
import { feedOf, LiveFeed, streamOf } from '../../realtime/live-feed';
import type { EventBus } from '../../realtime/pubsub';
import type { SocketRegistry, SocketState } from '../../realtime/sockets';
import type { MessageAddedEvent, MessageEvent, ReceiptEvent } from '../../realtime/topics';
import { sameForEveryViewer } from '../../server/live-execution';
import { assertChatMember } from '../chats/chat.access';
import { chatColumns } from '../chats/chat.type';
import { toUser, userColumns } from '../users/user.type';
import type { DeliveryTracker } from './deliveries';
import { type Message, messageSelect, type ReadReceipt, toMessage } from './message.type';

const CATCH_UP_PAGE = 100;

/** Per-event authorization: the viewer is in the chat now (not merely when subscribing), and it is the one asked for. */
function visible(socket: SocketState, wanted: string | null | undefined, chatId: string): boolean {
  return socket.chatIds.has(chatId) && (wanted == null || wanted === chatId);
}
const RESYNC = Symbol('resync');
/** How long a message that came ahead of a missing seq waits for it before the database fills the gap. */
const GAP_GRACE_MS = 100;
/** Past its grace period: the gap in this chat is filled from the database. */
interface GapCheck {
  gapIn: string;
}
type FeedItem = MessageAddedEvent | typeof RESYNC | GapCheck;

/**
 * messageAdded: new messages of one chat or of all the viewer's chats, each chat's in seq order,
 * none missed and none twice. It listens before it replays, remembers the last seq it delivered per
 * chat, drops what it has already delivered, and fills any gap (a late event, an event lost while
 * Redis was away) from the database, which is the truth.
 */
export class MessageFeed {
  private readonly views = new WeakMap<MessageAddedEvent, Message>();
  private readonly pages = new Map<string, Promise<MessageAddedEvent[]>>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: EventBus,
    private readonly sockets: SocketRegistry,
    private readonly deliveries: DeliveryTracker,
  ) {}

  async added(socket: SocketState, args: { chatId?: string | null; afterSeq?: number | null }): Promise<AsyncIterableIterator<Message>> {
    const { chatId, afterSeq } = args;
    if (afterSeq != null && chatId == null) throw new BadInputError('afterSeq', 'afterSeq needs a chatId.');
    if (afterSeq != null && afterSeq < 0) throw new BadInputError('afterSeq', 'afterSeq must be 0 or more.');
    const feed = new LiveFeed<FeedItem>(socket.tooSlow);
    feed.onClose(
      this.sockets.listenInChats(socket, 'message.added', (event) => {
        if (chatId == null || event.chatId === chatId) feed.push(event);
      }),
    );
    feed.onClose(this.bus.onResync(() => feed.push(RESYNC)));
    try {
      if (chatId != null) await assertChatMember(this.prisma, chatId, socket.userId);
      const delivered = await this.baseline(socket, chatId ?? null, afterSeq ?? null);
      return streamOf(feed, this.stream(feed, socket, chatId ?? null, delivered));
    } catch (error) {
      await feed.return();
      throw error;
    }
  }

  /** messageUpdated: edits and deletions, in one chat (checked now) or in all the viewer's chats. */
  async updated(socket: SocketState, chatId: string | null | undefined): Promise<AsyncIterableIterator<Message>> {
    if (chatId != null) await assertChatMember(this.prisma, chatId, socket.userId);
    const listen = (handler: (event: MessageEvent) => void) => this.sockets.listenInChats(socket, 'message.updated', handler);
    return feedOf(listen, (event) => (visible(socket, chatId, event.chatId) ? event.message : undefined), socket.tooSlow);
  }

  /** readReceiptUpdated: every pointer move, in one chat (checked now) or in all the viewer's chats. */
  async receipts(socket: SocketState, chatId: string | null | undefined): Promise<AsyncIterableIterator<ReadReceipt>> {
    if (chatId != null) await assertChatMember(this.prisma, chatId, socket.userId);
    const listen = (handler: (event: ReceiptEvent) => void) => this.sockets.listenInChats(socket, 'receipt.updated', handler);
    return feedOf(listen, (event) => (visible(socket, chatId, event.chatId) ? event.receipt : undefined), socket.tooSlow);
  }

  /** The last seq already known to the subscriber, per chat: afterSeq, else each chat's current lastSeq. */
  private async baseline(socket: SocketState, chatId: string | null, afterSeq: number | null): Promise<Map<string, number>> {
    if (chatId !== null && afterSeq !== null) return new Map([[chatId, afterSeq]]);
    const chats = await this.prisma.chat.findMany({
      where: { id: { in: chatId !== null ? [chatId] : [...socket.chatIds] } },
      select: { id: true, lastSeq: true },
    });
    return new Map(chats.map((chat) => [chat.id, chat.lastSeq]));
  }

  private async *stream(feed: LiveFeed<FeedItem>, socket: SocketState, chatId: string | null, delivered: Map<string, number>): AsyncGenerator<Message> {
    const deliver = (message: Message) => {
      delivered.set(message.chatId, message.seq);
      if (message.authorId !== socket.userId) this.deliveries.delivered(message.chatId, socket.userId, message.seq);
      return message;
    };
    // Per chat, messages that came ahead of a missing seq, and the timer that gives up waiting for it
    // (made when first needed: most subscriptions never see a gap).
    let ahead: Map<string, { held: Map<number, Message>; timer: NodeJS.Timeout | undefined }> | undefined;
    const waitFor = (chat: string) => setTimeout(() => feed.push({ gapIn: chat }), GAP_GRACE_MS);
    const hold = (message: Message) => {
      if (!ahead) {
        const gaps = (ahead = new Map());
        feed.onClose(() => gaps.forEach(({ timer }) => clearTimeout(timer)));
      }
      let gap = ahead.get(message.chatId);
      if (!gap) ahead.set(message.chatId, (gap = { held: new Map(), timer: undefined }));
      gap.held.set(message.seq, message);
      gap.timer ??= waitFor(message.chatId);
    };
    /**
     * The held messages of `chat` past its last delivered seq, in order: those that follow on, and
     * every one up to `filledTo` (the database has given all there is below it).
     */
    const release = (chat: string, filledTo = 0): Message[] => {
      const gap = ahead?.get(chat);
      if (!gap) return [];
      const released: Message[] = [];
      let last = delivered.get(chat)!;
      for (const seq of [...gap.held.keys()].sort((a, b) => a - b)) {
        if (seq > last + 1 && seq > filledTo) break;
        const message = gap.held.get(seq)!;
        gap.held.delete(seq);
        if (seq > last) released.push(message);
        last = Math.max(last, seq);
      }
      if (gap.held.size > 0) gap.timer ??= waitFor(chat);
      else {
        clearTimeout(gap.timer);
        ahead!.delete(chat);
      }
      return released;
    };

    if (chatId !== null) for await (const stored of this.since(chatId, delivered.get(chatId)!)) yield deliver(this.viewOf(stored, socket.userId));
    for await (const item of feed) {
      if (item === RESYNC) {
        for (const [id, seq] of [...delivered]) {
          if (!socket.chatIds.has(id)) continue;
          for await (const stored of this.since(id, seq)) yield deliver(this.viewOf(stored, socket.userId));
          for (const message of release(id)) yield deliver(message);
        }
        continue;
      }
      if ('gapIn' in item) {
        // The missing events did not come: the database fills the gap (what it does not hold never existed).
        const chat = item.gapIn;
        const gap = ahead?.get(chat);
        if (!gap) continue;
        gap.timer = undefined;
        if (!socket.chatIds.has(chat)) {
          ahead!.delete(chat);
          continue;
        }
        const filledTo = Math.max(...gap.held.keys());
        for await (const missed of this.since(chat, delivered.get(chat)!, filledTo)) yield deliver(this.viewOf(missed, socket.userId));
        for (const message of release(chat, filledTo)) yield deliver(message);
        continue;
      }
      if (!visible(socket, chatId, item.chatId)) continue;
      const message = this.viewOf(item, socket.userId);
      const last = delivered.get(message.chatId);
      if (last !== undefined && message.seq <= last) continue;
      if (last !== undefined && message.seq > last + 1) {
        // Sends to one chat commit in parallel, so their events may cross: the one missing is most
        // often a moment behind. It is waited for briefly before the database is asked.
        hold(message);
        continue;
      }
      yield deliver(message);
      for (const held of release(message.chatId)) yield deliver(held);
    }
  }

  /**
   * A message with what its event brought along (author, chat), as this viewer may see it:
   * the author's own view carries their email; everyone else shares one view, so that a selection
   * the same for all of them is resolved once per event (see `sameForEveryViewer`).
   */
  private viewOf(event: MessageAddedEvent, viewerId: string): Message {
    if (event.author.id === viewerId) return { ...event.message, sentBy: toUser(event.author, viewerId), sentIn: event.chat };
    let view = this.views.get(event);
    if (!view) this.views.set(event, (view = sameForEveryViewer({ ...event.message, sentBy: toUser(event.author, null), sentIn: event.chat })));
    return view;
  }

  /** Stored messages with afterSeq < seq < beforeSeq, oldest first, a page at a time, each as its live event would bring it. */
  private async *since(chatId: string, afterSeq: number, beforeSeq?: number): AsyncGenerator<MessageAddedEvent> {
    let cursor = afterSeq;
    for (;;) {
      const stored = await this.page(chatId, cursor, beforeSeq);
      yield* stored;
      if (stored.length < CATCH_UP_PAGE) return;
      cursor = stored.at(-1)!.message.seq;
    }
  }

  /**
   * One page of stored messages with their authors and chats. A gap fill (`beforeSeq` given) is
   * shared by the subscribers asking for it at once: every seq below one that was sent is committed
   * (seqs are taken under the chat's row lock), so an earlier query sees what a later one would.
   * A replay is not: a query that started before this subscriber listened may miss a message sent
   * in between, whose event this subscriber never heard.
   */
  private page(chatId: string, afterSeq: number, beforeSeq: number | undefined): Promise<MessageAddedEvent[]> {
    const read = () =>
      this.prisma.message
        .findMany({
          where: { chatId, seq: { gt: afterSeq, ...(beforeSeq !== undefined && { lt: beforeSeq }) } },
          orderBy: { seq: 'asc' },
          take: CATCH_UP_PAGE,
          select: { ...messageSelect, author: { select: userColumns }, chat: { select: chatColumns } },
        })
        .then((rows) => rows.map(({ author, chat, ...row }) => ({ chatId, message: toMessage(row), author, chat })));
    if (beforeSeq === undefined) return read();
    const key = `${chatId} ${afterSeq} ${beforeSeq}`;
    let page = this.pages.get(key);
    if (!page) {
      page = read().finally(() => this.pages.delete(key));
      this.pages.set(key, page);
    }
    return page;
  }
}
