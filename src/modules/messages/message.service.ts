import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../errors/errors';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import { isUniqueViolation } from '../../db/errors';
import { assertChatMember, type Membership } from '../chats/chat.access';
import { hasBlocked } from '../friendships/friendship.access';
import { BODY_MAX, type SendMessageInput } from './message.inputs';
import { type Message, messageSelect, toMessage } from './message.type';
import { movePointers, type PointerMove } from './receipt.service';
import type { EventPublisher } from '../../realtime/topics';
import type { RateLimits } from '../../server/rate-limits';

const EDIT_WINDOW_MS = 48 * 3600 * 1000;

/** The body as stored: trimmed; 1-4000 characters, or empty (null) when the message has attachments. */
function messageBody(body: string | null | undefined, hasAttachments: boolean): string | null {
  const text = body?.trim() ?? '';
  if (text.length > BODY_MAX) throw new BadInputError('body', `body must be at most ${BODY_MAX} characters.`);
  if (text.length === 0 && !hasAttachments) throw new BadInputError('body', 'A message needs a body or attachments.');
  return text.length > 0 ? text : null;
}

export class MessageService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: EventPublisher,
    private readonly rateLimits: RateLimits,
  ) {}

  /**
   * Stores a message with the chat's next seq, in the transaction that takes it, so seqs run
   * 1, 2, 3 ... without gaps. A clientId already used by the author returns that message instead.
   */
  async send(viewerId: string, input: SendMessageInput): Promise<Message> {
    const attachments = input.attachments ?? [];
    const body = messageBody(input.body, attachments.length > 0);
    const clientId = input.clientId ?? null;
    const earlier = clientId && (await this.byClientId(viewerId, clientId, input.chatId));
    if (earlier) return earlier;
    await this.rateLimits.consume('messagesPerUser', viewerId);
    await this.rateLimits.consume('messagesPerChat', input.chatId);
    let stored: { message: Message; receipt: PointerMove | null };
    try {
      stored = await this.prisma.$transaction(async (tx) => {
        const taken = await tx.$queryRaw<{ lastSeq: number; lastActivityAt: Date }[]>`
          UPDATE "Chat" SET "lastSeq" = "lastSeq" + 1, "lastActivityAt" = GREATEST(clock_timestamp(), "lastActivityAt")
          WHERE "id" = ${input.chatId} RETURNING "lastSeq", "lastActivityAt"`;
        // Checked under the chat's row lock, which membership changes take too.
        const membership = await assertChatMember(tx, input.chatId, viewerId);
        await this.assertMayWrite(tx, viewerId, membership);
        const [{ lastSeq: seq, lastActivityAt: createdAt }] = taken as [(typeof taken)[number]];
        const message = await tx.message.create({
          data: {
            chatId: input.chatId,
            seq,
            authorId: viewerId,
            body,
            clientId,
            createdAt,
            attachments: { create: attachments.map((attachment, position) => ({ ...attachment, url: attachment.url.trim(), position })) },
          },
          select: messageSelect,
        });
        // Writing implies having read everything up to one's own message.
        const receipt = await movePointers(tx, input.chatId, viewerId, { upToSeq: seq, read: true });
        return { message: toMessage(message), receipt };
      });
    } catch (error) {
      // The same clientId raced in from another request, which stored it first.
      const winner = clientId && isUniqueViolation(error) && (await this.byClientId(viewerId, clientId, input.chatId));
      if (winner) return winner;
      throw error;
    }
    this.events.publish('message.added', { chatId: input.chatId, message: stored.message });
    if (stored.receipt?.moved) this.events.publish('receipt.updated', { chatId: input.chatId, receipt: stored.receipt.receipt });
    return stored.message;
  }

  /** Authors only, within 48 hours of sending. */
  async edit(viewerId: string, messageId: string, body: string): Promise<Message> {
    const { message } = await this.visibleMessage(viewerId, messageId);
    if (message.authorId !== viewerId) throw new ForbiddenError('Only the author can edit a message.');
    if (message.deletedAt) throw new BadInputError('messageId', 'A deleted message cannot be edited.');
    if (Date.now() - message.createdAt.getTime() > EDIT_WINDOW_MS) {
      throw new ForbiddenError('A message can be edited for 48 hours after it was sent.');
    }
    const text = messageBody(body, message.attachments.length > 0);
    const edited = await this.prisma.message.updateMany({ where: { id: messageId, deletedAt: null }, data: { body: text, editedAt: new Date() } });
    if (edited.count === 0) throw new BadInputError('messageId', 'A deleted message cannot be edited.');
    return this.updated(toMessage(await this.prisma.message.findUniqueOrThrow({ where: { id: messageId }, select: messageSelect })));
  }

  /** Authors, and the owner and admins of a group. The message keeps its seq; body and attachments go. */
  async delete(viewerId: string, messageId: string): Promise<Message> {
    const { message, membership } = await this.visibleMessage(viewerId, messageId);
    const moderates = membership.chat.kind === 'GROUP' && membership.member.role !== 'MEMBER';
    if (message.authorId !== viewerId && !moderates) throw new ForbiddenError('Only the author or a group admin can delete a message.');
    if (message.deletedAt) return message;
    const deleted = await this.prisma.$transaction(async (tx) => {
      await tx.attachment.deleteMany({ where: { messageId } });
      return tx.message.update({ where: { id: messageId }, data: { body: null, deletedAt: new Date() }, select: messageSelect });
    });
    return this.updated(toMessage(deleted));
  }

  private updated(message: Message): Message {
    this.events.publish('message.updated', { chatId: message.chatId, message });
    return message;
  }

  /** A message of a chat the viewer is in; NOT_FOUND otherwise, exactly as for an unknown id. */
  private async visibleMessage(viewerId: string, messageId: string): Promise<{ message: Message; membership: Membership }> {
    const row = await this.prisma.message.findUnique({ where: { id: messageId }, select: messageSelect });
    if (!row) throw new NotFoundError('Message');
    const membership = await assertChatMember(this.prisma, row.chatId, viewerId, 'Message');
    return { message: toMessage(row), membership };
  }

  private async assertMayWrite(tx: Prisma.TransactionClient, viewerId: string, membership: Membership): Promise<void> {
    if (membership.chat.kind !== 'PRIVATE') return;
    const other = await tx.chatMember.findFirst({ where: { chatId: membership.chat.id, userId: { not: viewerId } }, select: { userId: true } });
    if (other && (await hasBlocked(tx, other.userId, viewerId))) {
      throw new ForbiddenError('This user has blocked you; you cannot send them messages.');
    }
  }

  private async byClientId(viewerId: string, clientId: string, chatId: string): Promise<Message | null> {
    const row = await this.prisma.message.findUnique({ where: { authorId_clientId: { authorId: viewerId, clientId } }, select: messageSelect });
    if (!row) return null;
    if (row.chatId !== chatId) throw new ConflictError('This clientId was already used for a message in another chat.', 'clientId');
    return toMessage(row);
  }
}
