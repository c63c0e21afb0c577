import { Ctx, Extensions, FieldResolver, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../../auth/auth-checker';
import type { Context } from '../../server/context';
import { SAME_FOR_EVERY_VIEWER } from '../../server/live-execution';
import { loadExisting } from '../../server/loaders';
import { Chat } from '../chats/chat.type';
import { User } from '../users/user.type';
import { Message, MessageStatus, ReadReceipt } from './message.type';

@Resolver(() => Message)
export class MessageFieldsResolver {
  // On a live event, the chat and author the event brought along: the same for every receiver of a shared view.
  @Extensions(SAME_FOR_EVERY_VIEWER)
  @FieldResolver(() => Chat)
  chat(@Root() message: Message, @Ctx() context: Context): Chat | Promise<Chat> {
    return message.sentIn ?? loadExisting(context.loaders.chat, message.chatId, 'Chat');
  }

  @Extensions(SAME_FOR_EVERY_VIEWER)
  @FieldResolver(() => User)
  author(@Root() message: Message, @Ctx() context: Context): User | Promise<User> {
    return message.sentBy ?? loadExisting(context.loaders.user, message.authorId, 'User');
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
    return loadExisting(context.loaders.chat, receipt.chatId, 'Chat');
  }

  @FieldResolver(() => User)
  user(@Root() receipt: ReadReceipt, @Ctx() context: Context): Promise<User> {
    return loadExisting(context.loaders.user, receipt.userId, 'User');
  }
}
