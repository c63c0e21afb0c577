import { BadInputError, ForbiddenError, NotFoundError } from '../../errors/errors';
import type { PrismaClient, Prisma } from '../../generated/prisma/client';
import type { EventPublisher } from '../../realtime/topics';
import { type Connection, decodeCursor, encodeCursor, isCursorTime, pageSize, toConnection } from '../../server/relay';
import { assertChatMember, type Membership } from '../chats/chat.access';
import { readMessageWithExtras } from './message-reads';
import { type Message, messageSelect, toMessage } from './message.type';

/** At most this many pinned messages in one chat. */
export const MAX_PINNED_MESSAGES = 100;

/** A pinned messages cursor: when the message was pinned (ms) and its seq. */
type PinCursor = [pinnedAt: number, seq: number];
const isPinCursor = (keys: unknown[]): keys is PinCursor => keys.length === 2 && isCursorTime(keys[0]) && Number.isInteger(keys[1]);

/** Private chats: either member; groups: the owner and admins. */
function assertMayPin(membership: Membership): void {
  if (membership.chat.kind === 'GROUP' && membership.member.role === 'MEMBER') {
    throw new ForbiddenError('Only the owner and admins can pin messages in a group.');
  }
}

/** Pinned messages: a chat's short list of what matters, most recently pinned first. */
export class PinService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: EventPublisher,
  ) {}

  /** Pinning a pinned message changes nothing and publishes nothing. */
  async pin(viewerId: string, messageId: string): Promise<Message> {
    const { message, changed } = await this.prisma.$transaction(async (tx) => {
      const target = await this.pinnable(tx, viewerId, messageId);
      if (target.deletedAt) throw new BadInputError('messageId', 'A deleted message cannot be pinned.');
      if (target.pinnedAt) return { message: await readMessageWithExtras(tx, messageId), changed: false };
      // The chat's row lock (sends take it too) orders pins: two at once cannot both pass the count.
      await tx.$queryRaw`SELECT 1 FROM "Chat" WHERE "id" = ${target.chatId} FOR UPDATE`;
      const pinned = await tx.message.count({ where: { chatId: target.chatId, pinnedAt: { not: null } } });
      if (pinned >= MAX_PINNED_MESSAGES) {
        throw new BadInputError('messageId', `A chat can have at most ${MAX_PINNED_MESSAGES} pinned messages; unpin one first.`);
      }
      await tx.message.update({ where: { id: messageId }, data: { pinnedAt: new Date(), pinnedById: viewerId } });
      return { message: await readMessageWithExtras(tx, messageId), changed: true };
    });
    if (changed) this.events.publish('message.updated', { chatId: message.chatId, message });
    return message;
  }

  /** Unpinning a message that is not pinned changes nothing and publishes nothing. */
  async unpin(viewerId: string, messageId: string): Promise<Message> {
    const { message, changed } = await this.prisma.$transaction(async (tx) => {
      await this.pinnable(tx, viewerId, messageId);
      const { count } = await tx.message.updateMany({ where: { id: messageId, pinnedAt: { not: null } }, data: { pinnedAt: null, pinnedById: null } });
      return { message: await readMessageWithExtras(tx, messageId), changed: count > 0 };
    });
    if (changed) this.events.publish('message.updated', { chatId: message.chatId, message });
    return message;
  }

  /** A chat's pinned messages, most recently pinned first, past the viewer's cleared history. */
  async list(viewerId: string, chatId: string, args: { first?: number | null; after?: string | null }): Promise<Connection<Message>> {
    const size = pageSize(args.first, 'first', 20);
    const cursor = args.after ? decodeCursor<PinCursor>(args.after, 'after', isPinCursor) : undefined;
    const { member } = await assertChatMember(this.prisma, chatId, viewerId);
    const rows = await this.prisma.message.findMany({
      where: {
        chatId,
        pinnedAt: { not: null },
        seq: { gt: member.clearedSeq },
        ...(cursor && {
          OR: [{ pinnedAt: { lt: new Date(cursor[0]) } }, { pinnedAt: new Date(cursor[0]), seq: { lt: cursor[1] } }],
        }),
      },
      orderBy: [{ pinnedAt: 'desc' }, { seq: 'desc' }],
      take: size + 1,
      select: messageSelect,
    });
    return toConnection(
      rows.slice(0, size).map(toMessage),
      (message) => encodeCursor([message.pinnedAt!.getTime(), message.seq]),
      { hasNextPage: rows.length > size, hasPreviousPage: cursor !== undefined },
    );
  }

  /** The message, if the viewer may pin it: NOT_FOUND outside their chats, FORBIDDEN for a group's plain member. */
  private async pinnable(tx: Prisma.TransactionClient, viewerId: string, messageId: string) {
    const target = await tx.message.findUnique({ where: { id: messageId }, select: { chatId: true, deletedAt: true, pinnedAt: true } });
    if (!target) throw new NotFoundError('Message');
    assertMayPin(await assertChatMember(tx, target.chatId, viewerId, 'Message'));
    return target;
  }
}
