import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import type { Viewer } from '../../auth/authenticator';
import { CurrentUser } from '../../auth/auth-checker';
import type { Context } from '../../server/context';
import { live } from '../../server/live';
import { loadExisting } from '../../server/loaders';
import { User } from '../users/user.type';
import { TypingEvent } from './chat-update.type';
import { Chat } from './chat.type';
import type { TypingService } from './typing.service';

@Resolver(() => TypingEvent)
export class TypingResolver {
  constructor(private readonly typingService: TypingService) {}

  @Authorized()
  @Mutation(() => Boolean, { description: 'Tells the other members; expires by itself after 6 seconds without a repeat.' })
  setTyping(@Arg('chatId', () => ID) chatId: string, @Arg('isTyping', () => Boolean) isTyping: boolean, @CurrentUser() viewer: Viewer): Promise<boolean> {
    return this.typingService.setTyping(viewer.userId, chatId, isTyping);
  }

  @Authorized()
  @Subscription(() => TypingEvent, {
    description: "Other members' typing in one chat; a signal not repeated within 6 seconds ends with isTyping: false.",
    subscribe: live((feeds, socket, args: { chatId: string }) => feeds.typing.typing(socket, args.chatId)),
  })
  typing(@Root() event: TypingEvent, @Arg('chatId', () => ID) _chatId: string): TypingEvent {
    return event;
  }

  @FieldResolver(() => Chat)
  async chat(@Root() event: TypingEvent, @Ctx() context: Context): Promise<Chat> {
    return loadExisting(context.loaders.chat, event.chatId, 'Chat');
  }

  @FieldResolver(() => User)
  async user(@Root() event: TypingEvent, @Ctx() context: Context): Promise<User> {
    return loadExisting(context.loaders.user, event.userId, 'User');
  }
}
