import { type LiveFeed, topicFeed } from '../../realtime/live-feed';
import type { EventBus } from '../../realtime/pubsub';
import type { SocketState } from '../../realtime/sockets';
import type { ChatUpdateEvent } from '../../realtime/topics';

/** chatUpdated: chats created, renamed or changed in membership, among the viewer's chats. */
export class ChatUpdateFeed {
  constructor(private readonly bus: EventBus) {}

  updated(socket: SocketState): LiveFeed<ChatUpdateEvent> {
    // Members after the event, and those it concerns: a removed member hears of it one last time.
    const concerns = (event: ChatUpdateEvent) => event.memberIds.includes(socket.userId) || event.userIds.includes(socket.userId);
    return topicFeed(this.bus, 'chat.updated', (event) => (concerns(event) ? event : undefined), socket);
  }
}
