import { Authorized, Ctx, FieldResolver, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../server/context';
import { live } from '../../server/live';
import { loadExisting } from '../../server/loaders';
import { User } from '../users/user.type';
import { ChatUpdate } from './chat-update.type';
import { Chat } from './chat.type';

@Resolver(() => ChatUpdate)
export class ChatUpdatesResolver {
  @Authorized()
  @Subscription(() => ChatUpdate, {
    description: "Chats created, renamed or changed in membership, among the viewer's chats (including being added or removed).",
    subscribe: live((feeds, socket) => feeds.chats.updated(socket)),
  })
  chatUpdated(@Root() event: ChatUpdate): ChatUpdate {
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
