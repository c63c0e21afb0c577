import { LiveFeed } from './live-feed';
import type { ChatListener, ChatTopic, SocketRegistry, SocketState } from './sockets';
import type { Topics } from './topics';

/** What a chat feed needs of the socket registry: to be handed, and then no longer, a topic's events in the socket's chats. */
export type ChatRouting = Pick<SocketRegistry, 'listenInChats' | 'stopListening'>;

/**
 * A LiveFeed of one chat topic's events in the socket's chats (see `listenInChats`), from its
 * making until it closes. The subclass says, in `take`, what each event becomes for the subscriber.
 */
export abstract class ChatFeed<TTopic extends ChatTopic, TOut> extends LiveFeed<TOut> implements ChatListener<Topics[TTopic][0]> {
  constructor(
    private readonly routing: ChatRouting,
    protected readonly socket: SocketState,
    topic: TTopic,
  ) {
    super(socket);
    routing.listenInChats(socket, topic, this);
  }

  abstract take(event: Topics[TTopic][0]): void;

  override close(): void {
    if (this.ended) return;
    this.routing.stopListening(this.socket, this);
    super.close();
  }
}

/** A chat topic's events that `select` keeps, as it turns them (it decides at arrival, so with the access of that moment). */
export class SelectedChatFeed<TTopic extends ChatTopic, TOut> extends ChatFeed<TTopic, TOut> {
  constructor(
    routing: ChatRouting,
    socket: SocketState,
    topic: TTopic,
    private readonly select: (event: Topics[TTopic][0]) => TOut | undefined,
  ) {
    super(routing, socket, topic);
  }

  take(event: Topics[TTopic][0]): void {
    const selected = this.select(event);
    if (selected !== undefined) this.push(selected);
  }
}
