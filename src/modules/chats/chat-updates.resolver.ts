import { Authorized, Ctx, FieldResolver, Resolver, Root, Subscription } from 'type-graphql';
import { topicFeed } from '../../realtime/live-feed';
import { requireSocket } from '../../realtime/socket-context';
import type { Context } from '../../server/context';
import { loadExisting } from '../../server/loaders';
import { User } from '../users/user.type';
import { ChatUpdate } from './chat-update.type';
import { Chat } from './chat.type';

@Resolver(() => ChatUpdate)
export class ChatUpdatesResolver {
  @Authorized()
  @Subscription(() => ChatUpdate, {
    description: "Chats created, renamed or changed in membership, among the viewer's chats (including being added or removed).",
    subscribe: ({ context }) => {
      const socket = requireSocket(context as Context);
      // Members after the event, and those it concerns: a removed member hears of it one last time.
      return topicFeed(
        (context as Context).realtime.bus,
        'chat.updated',
        (event) => (event.memberIds.includes(socket.userId) || event.userIds.includes(socket.userId) ? event : undefined),
        socket.tooSlow,
      );
    },
  })
  chatUpdated(@Root() event: ChatUpdate, @Ctx() context: Context): ChatUpdate {
    context.refreshLoaders();
    return event;
  }

  @FieldResolver(() => Chat)
  async chat(@Root() event: ChatUpdate, @Ctx() context: Context): Promise<Chat> {
    return loadExisting(context.loaders.chat, event.chatId, 'Chat');
  }

  @FieldResolver(() => [User], { description: 'Members the event concerns (added, removed, left, role changed).' })
  async users(@Root() event: ChatUpdate, @Ctx() context: Context): Promise<User[]> {
    const users = await context.loaders.user.loadMany(event.userIds);
    return users.filter((user): user is User => user !== null && !(user instanceof Error));
  }

  @FieldResolver(() => User)
  async actor(@Root() event: ChatUpdate, @Ctx() context: Context): Promise<User> {
    return loadExisting(context.loaders.user, event.actorId, 'User');
  }
}
