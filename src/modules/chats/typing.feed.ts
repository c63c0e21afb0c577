import type { PrismaClient } from '../../generated/prisma/client';
import { ChatFeed, type ChatRouting } from '../../realtime/chat-feed';
import type { LiveFeed } from '../../realtime/live-feed';
import type { SocketRegistry, SocketState } from '../../realtime/sockets';
import type { TypingSignal } from '../../realtime/topics';
import { assertChatMember } from './chat.access';
import { TYPING_TTL_MS } from './typing.service';

/** typing(chatId): others' typing signals; one not repeated within 6 seconds ends with isTyping: false. */
export class TypingFeed {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sockets: SocketRegistry,
  ) {}

  async typing(socket: SocketState, chatId: string): Promise<LiveFeed<TypingSignal>> {
    await assertChatMember(this.prisma, chatId, socket.userId);
    return new TypingSignals(this.sockets, socket, chatId);
  }
}

/**
 * One subscriber's typing signals of one chat. Expiry is kept by each subscriber, so it holds
 * across instances and survives a typist's crash.
 */
class TypingSignals extends ChatFeed<'typing', TypingSignal> {
  private readonly expiries = new Map<string, NodeJS.Timeout>();

  constructor(
    routing: ChatRouting,
    socket: SocketState,
    private readonly chatId: string,
  ) {
    super(routing, socket, 'typing');
  }

  take(signal: TypingSignal): void {
    if (signal.chatId !== this.chatId || signal.userId === this.socket.userId) return;
    clearTimeout(this.expiries.get(signal.userId));
    this.expiries.delete(signal.userId);
    if (signal.isTyping) {
      const expire = () => {
        this.expiries.delete(signal.userId);
        this.tell({ ...signal, isTyping: false, at: new Date() });
      };
      this.expiries.set(signal.userId, setTimeout(expire, TYPING_TTL_MS));
    }
    this.tell(signal);
  }

  override close(): void {
    this.expiries.forEach((timer) => clearTimeout(timer));
    super.close();
  }

  /** Every push, live or at expiry, needs the viewer to be in the chat at that moment. */
  private tell(signal: TypingSignal): void {
    if (this.socket.chatIds.has(this.chatId)) this.push(signal);
  }
}
