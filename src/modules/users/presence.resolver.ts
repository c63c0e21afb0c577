import { Authorized, Ctx, FieldResolver, Resolver, Root, Subscription } from 'type-graphql';
import { topicFeed } from '../../realtime/live-feed';
import { requireSocket } from '../../realtime/socket-context';
import type { Context } from '../../server/context';
import { loadExisting } from '../../server/loaders';
import { PresenceEvent } from './presence.type';
import { User } from './user.type';

@Resolver(() => PresenceEvent)
export class PresenceResolver {
  @Authorized()
  @Subscription(() => PresenceEvent, {
    description: "Online/offline changes of the viewer's friends and of people in the viewer's chats.",
    subscribe: ({ context }) => {
      const socket = requireSocket(context as Context);
      return topicFeed((context as Context).realtime.bus, 'presence', (event) => (socket.contacts.has(event.userId) ? event : undefined), socket.tooSlow);
    },
  })
  presenceChanged(@Root() event: PresenceEvent, @Ctx() context: Context): PresenceEvent {
    context.refreshLoaders();
    return event;
  }

  @FieldResolver(() => User)
  async user(@Root() event: PresenceEvent, @Ctx() context: Context): Promise<User> {
    return loadExisting(context.loaders.user, event.userId, 'User');
  }
}

@Resolver(() => User)
export class UserPresenceResolver {
  @FieldResolver(() => Boolean, { description: 'True while the user has at least one live subscription connection.' })
  isOnline(@Root() user: User, @Ctx() context: Context): Promise<boolean> {
    return context.loaders.online.load(user.id);
  }
}
