import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../../auth/auth-checker';
import { NotFoundError } from '../../errors/errors';
import type { Context } from '../../server/context';
import { loadExisting } from '../../server/loaders';
import type { Connection } from '../../server/relay';
import type { MessageHistoryService } from '../messages/message-history.service';
import { Message, MessageConnection } from '../messages/message.type';
import { User } from '../users/user.type';
import { Chat, ChatMember } from './chat.type';

/** The fields of a chat that need more than its row; batched per request through the loaders. */
@Resolver(() => Chat)
export class ChatFieldsResolver {
  constructor(private readonly historyService: MessageHistoryService) {}

  @FieldResolver(() => Message, { nullable: true })
  lastMessage(@Root() chat: Chat, @Ctx() context: Context): Promise<Message | null> | null {
    return chat.lastSeq === 0 ? null : context.loaders.messageBySeq.load({ chatId: chat.id, seq: chat.lastSeq });
  }

  @FieldResolver(() => [ChatMember])
  members(@Root() chat: Chat, @Ctx() context: Context): Promise<ChatMember[]> {
    return context.loaders.chatMembers.load(chat.id);
  }

  @FieldResolver(() => ChatMember, { description: "The viewer's own membership." })
  async viewerMembership(@Root() chat: Chat, @Ctx() context: Context): Promise<ChatMember> {
    return viewerMember(chat, context);
  }

  @FieldResolver(() => Int, { description: "Messages after the viewer's lastReadSeq that others wrote." })
  async unreadCount(@Root() chat: Chat, @Ctx() context: Context): Promise<number> {
    // Sending moves the sender's own read pointer, so everything past it was written by others.
    return Math.max(0, chat.lastSeq - (await viewerMember(chat, context)).lastReadSeq);
  }

  @FieldResolver(() => MessageConnection)
  async messages(
    @Root() chat: Chat,
    @Ctx() context: Context,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('last', () => Int, { nullable: true }) last: number | null,
    @Arg('before', () => String, { nullable: true }) before: string | null,
  ): Promise<Connection<Message>> {
    const viewer = await requireViewer(context);
    return this.historyService.page(viewer.userId, chat.id, { first, after, last, before }, context.loaders.user);
  }
}

async function viewerMember(chat: Chat, context: Context): Promise<ChatMember> {
  const viewer = await requireViewer(context);
  const member = await context.loaders.viewerMembership.load(chat.id);
  if (!member || member.userId !== viewer.userId) throw new NotFoundError('Chat');
  return member;
}

@Resolver(() => ChatMember)
export class ChatMemberFieldsResolver {
  @FieldResolver(() => User)
  async user(@Root() member: ChatMember, @Ctx() context: Context): Promise<User> {
    return loadExisting(context.loaders.user, member.userId, 'User');
  }
}
