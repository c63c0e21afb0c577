import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, ID, Info, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Viewer } from '../../auth/authenticator';
import { CurrentUser } from '../../auth/auth-checker';
import type { Context } from '../../server/context';
import type { Connection } from '../../server/relay';
import type { MessageHistoryService } from './message-history.service';
import { historyWants } from './message-page';
import { SendMessageInput } from './message.inputs';
import type { MessageService } from './message.service';
import { Message, MessageConnection } from './message.type';

@Resolver(() => Message)
export class MessageResolver {
  constructor(
    private readonly messageService: MessageService,
    private readonly historyService: MessageHistoryService,
  ) {}

  @Authorized()
  @Query(() => MessageConnection, {
    description:
      "A page of a chat's history, oldest first within the page. Without first/last: the newest 50. `last`/`before` walk back in time, `first`/`after` forward.\n" +
      'With `at` (instead of after/before): `first` pages forward from the first message sent at or after that instant, `last` back from the last one sent before it (jump to a date).',
  })
  messages(
    @Arg('chatId', () => ID) chatId: string,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('last', () => Int, { nullable: true }) last: number | null,
    @Arg('before', () => String, { nullable: true }) before: string | null,
    @Arg('at', () => Date, { nullable: true }) at: Date | null,
    @CurrentUser() viewer: Viewer,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<Message>> {
    return this.historyService.page(viewer.userId, chatId, { first, after, last, before, at }, context.loaders.user, historyWants(info));
  }

  @Authorized()
  @Query(() => MessageConnection, {
    description: 'Messages with seq > afterSeq, oldest first (catch-up after a disconnect); `first` defaults to 100.',
  })
  messagesSince(
    @Arg('chatId', () => ID) chatId: string,
    @Arg('afterSeq', () => Int) afterSeq: number,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @CurrentUser() viewer: Viewer,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<Message>> {
    return this.historyService.since(viewer.userId, chatId, afterSeq, first, context.loaders.user, historyWants(info));
  }

  @Authorized()
  @Mutation(() => Message)
  sendMessage(@Arg('input', () => SendMessageInput) input: SendMessageInput, @CurrentUser() viewer: Viewer, @Ctx() context: Context): Promise<Message> {
    return this.messageService.send(viewer.userId, input, context.loaders);
  }

  @Authorized()
  @Mutation(() => Message, { description: 'Authors only; within 48 hours of sending.' })
  editMessage(@Arg('messageId', () => ID) messageId: string, @Arg('body', () => String) body: string, @CurrentUser() viewer: Viewer): Promise<Message> {
    return this.messageService.edit(viewer.userId, messageId, body);
  }

  @Authorized()
  @Mutation(() => Message, { description: 'Authors, and group OWNER/ADMIN. Keeps seq; clears body and attachments.' })
  deleteMessage(@Arg('messageId', () => ID) messageId: string, @CurrentUser() viewer: Viewer): Promise<Message> {
    return this.messageService.delete(viewer.userId, messageId);
  }
}
