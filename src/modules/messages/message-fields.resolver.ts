import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../../auth/auth-checker';
import { NotFoundError } from '../../errors/errors';
import type { Context } from '../../server/context';
import { Chat } from '../chats/chat.type';
import { User } from '../users/user.type';
import { Message, MessageStatus, ReadReceipt } from './message.type';

async function loadChat(context: Context, chatId: string): Promise<Chat> {
  const chat = await context.loaders.chat.load(chatId);
  if (!chat) throw new NotFoundError('Chat');
  return chat;
}

async function loadUser(context: Context, userId: string): Promise<User> {
  const user = await context.loaders.user.load(userId);
  if (!user) throw new NotFoundError('User');
  return user;
}

@Resolver(() => Message)
export class MessageFieldsResolver {
  @FieldResolver(() => Chat)
  chat(@Root() message: Message, @Ctx() context: Context): Promise<Chat> {
    return loadChat(context, message.chatId);
  }

  @FieldResolver(() => User)
  author(@Root() message: Message, @Ctx() context: Context): Promise<User> {
    return loadUser(context, message.authorId);
  }

  @FieldResolver(() => MessageStatus, {
    nullable: true,
    description: "From the viewer's side, for the viewer's own messages; null on others' messages.",
  })
  async status(@Root() message: Message, @Ctx() context: Context): Promise<MessageStatus | null> {
    const viewer = await requireViewer(context);
    if (message.authorId !== viewer.userId) return null;
    const others = (await context.loaders.chatMembers.load(message.chatId)).filter((member) => member.userId !== message.authorId);
    if (others.every((member) => member.lastReadSeq >= message.seq)) return MessageStatus.READ;
    if (others.every((member) => member.lastDeliveredSeq >= message.seq)) return MessageStatus.DELIVERED;
    return MessageStatus.SENT;
  }
}

@Resolver(() => ReadReceipt)
export class ReadReceiptFieldsResolver {
  @FieldResolver(() => Chat)
  chat(@Root() receipt: ReadReceipt, @Ctx() context: Context): Promise<Chat> {
    return loadChat(context, receipt.chatId);
  }

  @FieldResolver(() => User)
  user(@Root() receipt: ReadReceipt, @Ctx() context: Context): Promise<User> {
    return loadUser(context, receipt.userId);
  }
}
