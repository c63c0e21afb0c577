import { Arg, Authorized, Extensions, ID, Int, Resolver, Root, Subscription } from 'type-graphql';
import { SAME_FOR_EVERY_VIEWER } from '../../server/live-execution';
import { live } from '../../server/live';
import { Message, ReadReceipt } from './message.type';

interface ChatArgs {
  chatId?: string | null;
  afterSeq?: number | null;
}

@Resolver()
export class MessageSubscriptionResolver {
  // The event's message as the feed hands it over: a view shared by its receivers when it can be.
  @Extensions(SAME_FOR_EVERY_VIEWER)
  @Authorized()
  @Subscription(() => Message, {
    description:
      'New messages in one chat, or in every chat of the viewer when chatId is omitted.\nWith chatId and afterSeq, first replays every message with seq > afterSeq, then\ngoes live, with no gap and no duplicate. afterSeq without chatId is BAD_USER_INPUT.',
    subscribe: live((feeds, socket, args: ChatArgs) => feeds.messages.added(socket, args)),
  })
  messageAdded(
    @Root() message: Message,
    @Arg('chatId', () => ID, { nullable: true }) _chatId: string | null,
    @Arg('afterSeq', () => Int, { nullable: true }) _afterSeq: number | null,
  ): Message {
    return message;
  }

  @Authorized()
  @Subscription(() => Message, {
    description: "Edits and deletions, in one chat or in all the viewer's chats.",
    subscribe: live((feeds, socket, args: ChatArgs) => feeds.messages.updated(socket, args.chatId)),
  })
  messageUpdated(@Root() message: Message, @Arg('chatId', () => ID, { nullable: true }) _chatId: string | null): Message {
    return message;
  }

  @Authorized()
  @Subscription(() => ReadReceipt, {
    description: 'Every move of a read or delivered pointer, in one chat or in all the viewer’s chats.',
    subscribe: live((feeds, socket, args: ChatArgs) => feeds.messages.receipts(socket, args.chatId)),
  })
  readReceiptUpdated(@Root() receipt: ReadReceipt, @Arg('chatId', () => ID, { nullable: true }) _chatId: string | null): ReadReceipt {
    return receipt;
  }
}
