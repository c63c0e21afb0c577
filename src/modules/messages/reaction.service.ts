import { BadInputError, NotFoundError } from '../../errors/errors';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import type { EventPublisher } from '../../realtime/topics';
import type { RateLimits } from '../../server/rate-limits';
import { readMessageWithExtras } from './message-reads';
import type { Message } from './message.type';
import { reactionEmoji } from './reaction-emoji';
import { ADD_REACTION, MAX_EMOJI_PER_MESSAGE, SUMMARIZE_REACTIONS } from './reaction.sql';

/** Reactions: one per user per emoji, at most MAX_EMOJI_PER_MESSAGE different emoji on a message. */
export class ReactionService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: EventPublisher,
    private readonly rateLimits: RateLimits,
  ) {}

  /** Adding a reaction the viewer already has changes nothing and publishes nothing. */
  async add(viewerId: string, messageId: string, emojiText: string): Promise<Message> {
    const emoji = reactionEmoji(emojiText);
    await this.rateLimits.consume('reactionsPerUser', viewerId);
    const { added, message } = await this.prisma.$transaction(async (tx) => {
      const { deletedAt } = await this.lockVisible(tx, viewerId, messageId);
      if (deletedAt) throw new BadInputError('messageId', 'A deleted message cannot get reactions.');
      const inserted = await tx.$queryRawUnsafe<unknown[]>(ADD_REACTION, messageId, viewerId, emoji);
      if (inserted.length === 0) {
        const mine = await tx.reaction.count({ where: { messageId, emoji, userId: viewerId } });
        if (mine === 0) throw new BadInputError('emoji', `A message can have at most ${MAX_EMOJI_PER_MESSAGE} different emoji.`);
      } else {
        await tx.$executeRawUnsafe(SUMMARIZE_REACTIONS, messageId);
      }
      return { added: inserted.length > 0, message: await readMessageWithExtras(tx, messageId) };
    });
    if (added) this.events.publish('message.updated', { chatId: message.chatId, message });
    return message;
  }

  /** Removing a reaction the viewer does not have changes nothing and publishes nothing. */
  async remove(viewerId: string, messageId: string, emojiText: string): Promise<Message> {
    const emoji = reactionEmoji(emojiText);
    await this.rateLimits.consume('reactionsPerUser', viewerId);
    const { removed, message } = await this.prisma.$transaction(async (tx) => {
      await this.lockVisible(tx, viewerId, messageId);
      const { count } = await tx.reaction.deleteMany({ where: { messageId, emoji, userId: viewerId } });
      if (count > 0) await tx.$executeRawUnsafe(SUMMARIZE_REACTIONS, messageId);
      return { removed: count > 0, message: await readMessageWithExtras(tx, messageId) };
    });
    if (removed) this.events.publish('message.updated', { chatId: message.chatId, message });
    return message;
  }

  /**
   * The message, locked, if the viewer is in its chat (NOT_FOUND otherwise). Its row lock orders the
   * changes to its reactions: the count of emoji is never stale, and its summary is the last change's.
   */
  private async lockVisible(tx: Prisma.TransactionClient, viewerId: string, messageId: string): Promise<{ deletedAt: Date | null }> {
    const [target] = await tx.$queryRaw<{ deletedAt: Date | null }[]>`
      SELECT m."deletedAt" FROM "Message" m
      JOIN "ChatMember" cm ON cm."chatId" = m."chatId" AND cm."userId" = ${viewerId}
      WHERE m."id" = ${messageId} FOR UPDATE OF m`;
    if (!target) throw new NotFoundError('Message');
    return target;
  }
}
