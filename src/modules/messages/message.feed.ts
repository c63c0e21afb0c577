import { BadInputError } from '../../errors/errors';
import type { PrismaClient } from '../../generated/prisma/client';
import { SelectedChatFeed } from '../../realtime/chat-feed';
import type { LiveFeed } from '../../realtime/live-feed';
import type { SocketRegistry, SocketState } from '../../realtime/sockets';
import type { MessageAddedEvent } from '../../realtime/topics';
import { sameForEveryViewer } from '../../server/live-execution';
import type { Metrics } from '../../server/metrics';
import { assertChatMember } from '../chats/chat.access';
import { chatColumns } from '../chats/chat.type';
import { toUser, userColumns } from '../users/user.type';
import type { DeliveryTracker } from './deliveries';
import { MessageOrder } from './message-order';
import { CATCH_UP_PAGE, type MessageSource, MessageStream } from './message-stream';
import { type Message, messageSelect, type ReadReceipt, toMessage } from './message.type';

/** Whether the message shows the viewer's own User beyond its author (mentioned, or the author of what it answers): then not a shared view. */
function concerns(message: Message, viewerId: string): boolean {
  return message.mentionIds.includes(viewerId) || message.extras?.replied?.author.id === viewerId;
}

/** Per-event authorization: the viewer is in the chat now (not merely when subscribing), and it is the one asked for. */
function visible(socket: SocketState, wanted: string | null | undefined, chatId: string): boolean {
  return socket.chatIds.has(chatId) && (wanted == null || wanted === chatId);
}

/**
 * messageAdded: new messages of one chat or of all the viewer's chats, each chat's in seq order,
 * none missed and none twice (each subscriber's MessageStream), routed in seq order on this
 * instance (MessageOrder). A subscription listens before it replays.
 */
export class MessageFeed implements MessageSource {
  private readonly views = new WeakMap<MessageAddedEvent, Message>();
  private readonly pages = new Map<string, Promise<MessageAddedEvent[]>>();
  private readonly order: MessageOrder;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly sockets: SocketRegistry,
    private readonly deliveries: DeliveryTracker,
    metrics: Pick<Metrics, 'messageRouted'>,
  ) {
    this.order = new MessageOrder((event) => metrics.messageRouted(event.message.createdAt));
    sockets.orderBy('message.added', this.order);
  }

  async added(socket: SocketState, args: { chatId?: string | null; afterSeq?: number | null }): Promise<MessageStream> {
    const { chatId, afterSeq } = args;
    if (afterSeq != null && chatId == null) throw new BadInputError('afterSeq', 'afterSeq needs a chatId.');
    if (afterSeq != null && afterSeq < 0) throw new BadInputError('afterSeq', 'afterSeq must be 0 or more.');
    // Listening starts before the baseline is read: what is sent meanwhile waits in the stream.
    const last = new Map<string, number>();
    const stream = new MessageStream(this.sockets, socket, this, chatId ?? null, last);
    try {
      // A replay starts past what the viewer cleared from their history.
      const cleared = chatId != null ? (await assertChatMember(this.prisma, chatId, socket.userId)).member.clearedSeq : 0;
      for (const [chat, seq] of await this.baseline(socket, chatId ?? null, afterSeq == null ? null : Math.max(afterSeq, cleared))) last.set(chat, seq);
      return stream;
    } catch (error) {
      stream.close();
      throw error;
    }
  }

  /** messageUpdated: edits and deletions, in one chat (checked now) or in all the viewer's chats. */
  async updated(socket: SocketState, chatId: string | null | undefined): Promise<LiveFeed<Message>> {
    if (chatId != null) await assertChatMember(this.prisma, chatId, socket.userId);
    return new SelectedChatFeed(this.sockets, socket, 'message.updated', (event) => (visible(socket, chatId, event.chatId) ? event.message : undefined));
  }

  /** readReceiptUpdated: every pointer move, in one chat (checked now) or in all the viewer's chats. */
  async receipts(socket: SocketState, chatId: string | null | undefined): Promise<LiveFeed<ReadReceipt>> {
    if (chatId != null) await assertChatMember(this.prisma, chatId, socket.userId);
    return new SelectedChatFeed(this.sockets, socket, 'receipt.updated', (event) => (visible(socket, chatId, event.chatId) ? event.receipt : undefined));
  }

  /** The last seq already known to the subscriber, per chat: afterSeq, else each chat's current lastSeq. */
  private async baseline(socket: SocketState, chatId: string | null, afterSeq: number | null): Promise<Map<string, number>> {
    if (chatId !== null && afterSeq !== null) return new Map([[chatId, afterSeq]]);
    const chats = await this.prisma.chat.findMany({
      where: { id: { in: chatId !== null ? [chatId] : [...socket.chatIds] } },
      select: { id: true, lastSeq: true },
    });
    for (const chat of chats) this.order.knownUpTo(chat.id, chat.lastSeq);
    return new Map(chats.map((chat) => [chat.id, chat.lastSeq]));
  }

  /**
   * A message with what its event brought along (author, chat), as this viewer may see it:
   * the author's own view carries their email; everyone else shares one view, so that a selection
   * the same for all of them is resolved once per event (see `sameForEveryViewer`).
   */
  viewOf(event: MessageAddedEvent, viewerId: string): Message {
    if (event.author.id === viewerId || concerns(event.message, viewerId)) {
      return { ...event.message, sentBy: toUser(event.author, viewerId), sentIn: event.chat };
    }
    let view = this.views.get(event);
    if (!view) this.views.set(event, (view = sameForEveryViewer({ ...event.message, sentBy: toUser(event.author, null), sentIn: event.chat })));
    return view;
  }

  delivered(message: Message, viewerId: string): void {
    this.deliveries.delivered(message.chatId, viewerId, message.seq);
  }

  /**
   * One page of stored messages with their authors and chats. A gap fill (`beforeSeq` given) is
   * shared by the subscribers asking for it at once: every seq below one that was sent is committed
   * (seqs are taken under the chat's row lock), so an earlier query sees what a later one would.
   * A replay is not: a query that started before this subscriber listened may miss a message sent
   * in between, whose event this subscriber never heard.
   */
  page(chatId: string, afterSeq: number, beforeSeq: number | undefined): Promise<MessageAddedEvent[]> {
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
