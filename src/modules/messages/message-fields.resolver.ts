import { Arg, Ctx, Extensions, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { requireViewer } from '../../auth/auth-checker';
import type { Context } from '../../server/context';
import { isSharedView, SAME_FOR_EVERY_VIEWER, sameForEveryViewer } from '../../server/live-execution';
import { loadExisting } from '../../server/loaders';
import { pageSize } from '../../server/relay';
import { Chat } from '../chats/chat.type';
import { toUser, User } from '../users/user.type';
import { REACTORS_READ } from './reaction.sql';
import { Message, MessageStatus, ReadReceipt } from './message.type';
import { ReactionGroup, toReactionGroup } from './reaction.type';

/**
 * Whom a message's users are shown to: nobody in particular on a view shared by an event's
 * receivers, the viewer a page was read for (known at once: the fields of a page's messages
 * answer without a promise each), else the operation's viewer.
 */
function viewerOf(message: Message, context: Context): string | null | Promise<string> {
  if (isSharedView(message)) return null;
  return message.extras?.viewerId ?? requireViewer(context).then((viewer) => viewer.userId);
}

/** `then` for a value that may already be there: the value's use at once when it is. */
function thenOrNow<TValue, TResult>(value: TValue | Promise<TValue>, use: (value: TValue) => TResult | Promise<TResult>): TResult | Promise<TResult> {
  return value instanceof Promise ? value.then(use) : use(value);
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
  replyTo(@Root() message: Message, @Ctx() context: Context): Message | null | Promise<Message | null> {
    const replyToId = message.replyToId;
    if (!replyToId) return null;
    return thenOrNow(viewerOf(message, context), (viewerId) => {
      const read = message.extras?.replied;
      const replied =
        read !== undefined ? read && { ...read.message, sentBy: (viewerId !== null && read.message.sentBy) || toUser(read.author, viewerId) } : context.loaders.message.load(replyToId);
      // What a shared view answers is shared as well: its own fields are then shown to nobody in particular.
      return thenOrNow(replied, (answered) => (answered && viewerId === null ? sameForEveryViewer({ ...answered }) : answered));
    });
  }

  @Extensions(SAME_FOR_EVERY_VIEWER)
  @FieldResolver(() => [User])
  mentions(@Root() message: Message, @Ctx() context: Context): User[] | Promise<User[]> {
    const people = message.extras?.people;
    if (people) return message.mentionIds.map((id) => people.get(id)!);
    const mentioned = message.extras?.mentioned;
    if (!mentioned) return Promise.all(message.mentionIds.map((id) => userFor(message, context, id)));
    return thenOrNow(viewerOf(message, context), (viewerId) => mentioned.map((user) => toUser(user, viewerId)));
  }

  @FieldResolver(() => [ReactionGroup], { description: 'One group per emoji, in the order each emoji was first used.' })
  reactions(@Root() message: Message, @Ctx() context: Context): ReactionGroup[] | Promise<ReactionGroup[]> {
    const viewerId = message.extras?.viewerId ?? requireViewer(context).then((viewer) => viewer.userId);
    return thenOrNow(viewerId, (viewer) =>
      thenOrNow(message.extras?.reactions ?? context.loaders.reactions.load(message.id), (summaries) =>
        summaries.map((summary) => toReactionGroup(message.id, summary, viewer, message.extras?.people)),
      ),
    );
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
  users(@Root() group: ReactionGroup, @Ctx() context: Context, @Arg('first', () => Int, { nullable: true }) first: number | null): User[] | Promise<User[]> {
    const size = pageSize(first, 'first', REACTORS_READ);
    if (group.userIds.length >= Math.min(size, group.count)) {
      const shown = group.userIds.slice(0, size);
      // Read with the page: shown at once.
      const people = group.people;
      if (people && shown.every((id) => people.has(id))) return shown.map((id) => people.get(id)!);
      return Promise.all(shown.map((id) => loadExisting(context.loaders.user, id, 'User')));
    }
    return context.loaders.reactors
      .load({ messageId: group.messageId, emoji: group.emoji })
      .then((ids) => Promise.all(ids.slice(0, size).map((id) => loadExisting(context.loaders.user, id, 'User'))));
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
