import { Authorized, Ctx, FieldResolver, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../server/context';
import { live } from '../../server/live';
import { loadExisting } from '../../server/loaders';
import { PresenceEvent } from './presence.type';
import { User } from './user.type';

@Resolver(() => PresenceEvent)
export class PresenceResolver {
  @Authorized()
  @Subscription(() => PresenceEvent, {
    description: "Online/offline changes of the viewer's friends and of people in the viewer's chats.",
    subscribe: live((feeds, socket) => feeds.presence.changed(socket)),
  })
  presenceChanged(@Root() event: PresenceEvent): PresenceEvent {
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
