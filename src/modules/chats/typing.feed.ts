import type { PrismaClient } from '../../generated/prisma/client';
import { LiveFeed } from '../../realtime/live-feed';
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
    const feed = new LiveFeed<TypingSignal>(socket.tooSlow);
    // Every push, live or at expiry, needs the viewer to be in the chat at that moment.
    const tell = (signal: TypingSignal) => {
      if (socket.chatIds.has(chatId)) feed.push(signal);
    };
    // Expiry is kept by each subscriber, so it holds across instances and survives a typist's crash.
    const expiries = new Map<string, NodeJS.Timeout>();
    feed.onClose(() => expiries.forEach((timer) => clearTimeout(timer)));
    feed.onClose(
      this.sockets.listenInChats(socket, 'typing', (signal) => {
        if (signal.chatId !== chatId || signal.userId === socket.userId || !socket.chatIds.has(chatId)) return;
        clearTimeout(expiries.get(signal.userId));
        expiries.delete(signal.userId);
        if (signal.isTyping) {
          const expire = () => {
            expiries.delete(signal.userId);
            tell({ ...signal, isTyping: false, at: new Date() });
          };
          expiries.set(signal.userId, setTimeout(expire, TYPING_TTL_MS));
        }
        tell(signal);
      }),
    );
    return feed;
  }
}
