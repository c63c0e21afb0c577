import { type LiveFeed, topicFeed } from '../../realtime/live-feed';
import type { EventBus } from '../../realtime/pubsub';
import type { SocketState } from '../../realtime/sockets';
import type { PresenceSignal } from '../../realtime/topics';

/** presenceChanged: the viewer's contacts (friends, people in the viewer's chats) going online or offline. */
export class PresenceFeed {
  constructor(private readonly bus: EventBus) {}

  changed(socket: SocketState): LiveFeed<PresenceSignal> {
    return topicFeed(this.bus, 'presence', (event) => (socket.contacts.has(event.userId) ? event : undefined), socket);
  }
}
