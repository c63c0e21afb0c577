import { Arg, Authorized, Ctx, ID, Int, Resolver, Root, Subscription } from 'type-graphql';
import { requireSocket } from '../../realtime/socket-context';
import type { Context } from '../../server/context';
import { Message, ReadReceipt } from './message.type';

interface ChatArgs {
  chatId?: string | null;
  afterSeq?: number | null;
}

@Resolver()
export class MessageSubscriptionResolver {
  @Authorized()
  @Subscription(() => Message, {
    description:
      'New messages in one chat, or in every chat of the viewer when chatId is omitted.\nWith chatId and afterSeq, first replays every message with seq > afterSeq, then\ngoes live, with no gap and no duplicate. afterSeq without chatId is BAD_USER_INPUT.',
    subscribe: ({ args, context }) => (context as Context).feeds.messages.added(requireSocket(context as Context), args as ChatArgs),
  })
  messageAdded(
    @Root() message: Message,
    @Ctx() context: Context,
    @Arg('chatId', () => ID, { nullable: true }) _chatId: string | null,
    @Arg('afterSeq', () => Int, { nullable: true }) _afterSeq: number | null,
  ): Message {
    context.refreshLoaders();
    return message;
  }

  @Authorized()
  @Subscription(() => Message, {
    description: "Edits and deletions, in one chat or in all the viewer's chats.",
    subscribe: ({ args, context }) => (context as Context).feeds.messages.updated(requireSocket(context as Context), (args as ChatArgs).chatId),
  })
  messageUpdated(@Root() message: Message, @Ctx() context: Context, @Arg('chatId', () => ID, { nullable: true }) _chatId: string | null): Message {
    context.refreshLoaders();
    return message;
  }

  @Authorized()
  @Subscription(() => ReadReceipt, {
    description: 'Every move of a read or delivered pointer, in one chat or in all the viewer’s chats.',
    subscribe: ({ args, context }) => (context as Context).feeds.messages.receipts(requireSocket(context as Context), (args as ChatArgs).chatId),
  })
  readReceiptUpdated(@Root() receipt: ReadReceipt, @Ctx() context: Context, @Arg('chatId', () => ID, { nullable: true }) _chatId: string | null): ReadReceipt {
    context.refreshLoaders();
    return receipt;
  }
}
