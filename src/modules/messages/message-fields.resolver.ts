import { Arg, Ctx, Extensions, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../../auth/auth-checker';
import type { Context } from '../../server/context';
import { isSharedView, SAME_FOR_EVERY_VIEWER, sameForEveryViewer } from '../../server/live-execution';
import { loadExisting } from '../../server/loaders';
import { pageSize } from '../../server/relay';
import { Chat } from '../chats/chat.type';
import { toUser, User } from '../users/user.type';
import { REACTORS_READ } from './message-history.sql';
import { Message, MessageStatus, ReadReceipt } from './message.type';
import { ReactionGroup, toReactionGroup } from './reaction.type';

/** Whom a message's users are shown to: its viewer, or nobody in particular on a view shared by an event's receivers. */
async function viewerOf(message: Message, context: Context): Promise<string | null> {
  return isSharedView(message) ? null : (await requireViewer(context)).userId;
}

/** A user as a message's viewer may see them (see `viewerOf`). */
async function userFor(message: Message, context: Context, userId: string): Promise<User> {
  const user = await loadExisting(context.loaders.user, userId, 'User');
  return isSharedView(message) ? { ...user, email: null } : user;
}

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
    return message.sentBy ?? userFor(message, context, message.authorId);
  }

  @Extensions(SAME_FOR_EVERY_VIEWER)
  @FieldResolver(() => Message, { nullable: true, description: 'The message this one answers; still given when that one was deleted (its body is then null).' })
  async replyTo(@Root() message: Message, @Ctx() context: Context): Promise<Message | null> {
    if (!message.replyToId) return null;
    const viewerId = await viewerOf(message, context);
    const read = message.extras?.replied;
    const replied = read !== undefined ? read && { ...read.message, sentBy: toUser(read.author, viewerId) } : await context.loaders.message.load(message.replyToId);
    // What a shared view answers is shared as well: its own fields are then shown to nobody in particular.
    return replied && viewerId === null ? sameForEveryViewer({ ...replied }) : replied;
  }

  @Extensions(SAME_FOR_EVERY_VIEWER)
  @FieldResolver(() => [User])
  async mentions(@Root() message: Message, @Ctx() context: Context): Promise<User[]> {
    const viewerId = await viewerOf(message, context);
    const mentioned = message.extras?.mentioned ?? (await context.loaders.mentions.load(message.id));
    return mentioned.map((user) => toUser(user, viewerId));
  }

  @FieldResolver(() => [ReactionGroup], { description: 'One group per emoji, in the order each emoji was first used.' })
  async reactions(@Root() message: Message, @Ctx() context: Context): Promise<ReactionGroup[]> {
    const viewer = await requireViewer(context);
    const summaries = message.extras?.reactions ?? (await context.loaders.reactions.load(message.id));
    return summaries.map((summary) => toReactionGroup(message.id, summary, viewer.userId));
  }

  @Extensions(SAME_FOR_EVERY_VIEWER)
  @FieldResolver(() => User, { nullable: true })
  pinnedBy(@Root() message: Message, @Ctx() context: Context): Promise<User> | null {
    return message.pinnedById ? userFor(message, context, message.pinnedById) : null;
  }

  @FieldResolver(() => [User], {
    nullable: true,
    description: "For the viewer's own messages: the other members who have read it (lastReadSeq >= seq). Null on others' messages.",
  })
  async readBy(@Root() message: Message, @Ctx() context: Context): Promise<User[] | null> {
    const viewer = await requireViewer(context);
    if (message.authorId !== viewer.userId) return null;
    const members = await context.loaders.chatMembers.load(message.chatId);
    const readers = members.filter((member) => member.userId !== viewer.userId && member.lastReadSeq >= message.seq);
    return Promise.all(readers.map((member) => loadExisting(context.loaders.user, member.userId, 'User')));
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

@Resolver(() => ReactionGroup)
export class ReactionGroupFieldsResolver {
  @FieldResolver(() => [User], { description: 'Who reacted, earliest first (at most `first`, default 10).' })
  async users(@Root() group: ReactionGroup, @Ctx() context: Context, @Arg('first', () => Int, { nullable: true }) first: number | null): Promise<User[]> {
    const size = pageSize(first, 'first', REACTORS_READ);
    const known = group.userIds.length >= Math.min(size, group.count);
    const ids = known ? group.userIds : await context.loaders.reactors.load({ messageId: group.messageId, emoji: group.emoji });
    return Promise.all(ids.slice(0, size).map((id) => loadExisting(context.loaders.user, id, 'User')));
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
