import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, Info, Int, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../../auth/auth-checker';
import { NotFoundError } from '../../errors/errors';
import type { Context } from '../../server/context';
import { loadExisting } from '../../server/loaders';
import type { Connection } from '../../server/relay';
import { historyWants } from '../messages/message-page';
import type { MessageHistoryService } from '../messages/message-history.service';
import type { PinService } from '../messages/pin.service';
import { Message, MessageConnection } from '../messages/message.type';
import { User } from '../users/user.type';
import { Chat, ChatMember } from './chat.type';

/** The fields of a chat that need more than its row; batched per request through the loaders. */
@Resolver(() => Chat)
export class ChatFieldsResolver {
  constructor(
    private readonly historyService: MessageHistoryService,
    private readonly pinService: PinService,
  ) {}

  @FieldResolver(() => Message, { nullable: true })
  async lastMessage(@Root() chat: Chat, @Ctx() context: Context): Promise<Message | null> {
    if (chat.lastSeq === 0) return null;
    // Past what the viewer cleared; nothing for someone no longer in the chat (told of their removal, say).
    const member = await context.loaders.viewerMembership.load(chat.id);
    if (!member || chat.lastSeq <= member.clearedSeq) return null;
    return context.loaders.messageBySeq.load({ chatId: chat.id, seq: chat.lastSeq });
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

  @FieldResolver(() => Int, { description: "Messages after the viewer's lastReadSeq that mention the viewer." })
  unreadMentionCount(@Root() chat: Chat, @Ctx() context: Context): Promise<number> {
    return context.loaders.unreadMentions.load(chat.id);
  }

  @FieldResolver(() => MessageConnection)
  async messages(
    @Root() chat: Chat,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('last', () => Int, { nullable: true }) last: number | null,
    @Arg('before', () => String, { nullable: true }) before: string | null,
  ): Promise<Connection<Message>> {
    const viewer = await requireViewer(context);
    return this.historyService.page(viewer.userId, chat.id, { first, after, last, before }, context.loaders.user, historyWants(info));
  }

  @FieldResolver(() => MessageConnection, { description: 'Pinned messages, most recently pinned first.' })
  async pinnedMessages(
    @Root() chat: Chat,
    @Ctx() context: Context,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<Connection<Message>> {
    const viewer = await requireViewer(context);
    return this.pinService.list(viewer.userId, chat.id, { first, after });
  }
}

async function viewerMember(chat: Chat, context: Context): Promise<ChatMember> {
  const viewer = await requireViewer(context);
  const member = await context.loaders.viewerMembership.load(chat.id);
  if (!member || member.userId !== viewer.userId) throw new NotFoundError('Chat');
  return member;
}

/** A member's own view of the chat, or nothing when the member is someone else. */
async function ownView<TValue>(member: ChatMember, context: Context, value: TValue, otherwise: TValue): Promise<TValue> {
  return member.userId === (await requireViewer(context)).userId ? value : otherwise;
}

@Resolver(() => ChatMember)
export class ChatMemberFieldsResolver {
  @FieldResolver(() => User)
  async user(@Root() member: ChatMember, @Ctx() context: Context): Promise<User> {
    return loadExisting(context.loaders.user, member.userId, 'User');
  }

  @FieldResolver(() => Date, { nullable: true, description: "Until when the member muted the chat (null: not muted). Only on the viewer's own membership; null on others'." })
  mutedUntil(@Root() member: ChatMember, @Ctx() context: Context): Promise<Date | null> {
    const muted = member.mutedUntil && member.mutedUntil.getTime() > Date.now() ? member.mutedUntil : null;
    return ownView(member, context, muted, null);
  }

  @FieldResolver(() => Boolean, { description: "Only on the viewer's own membership; false on others'." })
  archived(@Root() member: ChatMember, @Ctx() context: Context): Promise<boolean> {
    return ownView(member, context, member.archived, false);
  }

  @FieldResolver(() => Date, { nullable: true, description: "Only on the viewer's own membership; null on others'." })
  pinnedAt(@Root() member: ChatMember, @Ctx() context: Context): Promise<Date | null> {
    return ownView(member, context, member.pinnedAt, null);
  }
}
