import type { Prisma } from '../../generated/prisma/client';
import { NotFoundError } from '../../errors/errors';
import { userColumns } from '../users/user.type';
import { type Message, messageSelect, type ReactionSummary, toMessage } from './message.type';

/** A message with everything it refers to: what a messageUpdated event carries, so that no receiver reads it again. */
const withExtrasSelect = {
  ...messageSelect,
  replyTo: { select: { ...messageSelect, author: { select: userColumns } } },
  mentions: { select: { user: { select: userColumns } }, orderBy: { position: 'asc' } },
  reactions: { select: { emoji: true, userId: true }, orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }] },
} as const satisfies Prisma.MessageSelect;

/** One message with its reply, mentions and every reaction (cold paths: edits, deletions, pins, reactions). */
export async function readMessageWithExtras(db: Prisma.TransactionClient, messageId: string): Promise<Message> {
  const row = await db.message.findUnique({ where: { id: messageId }, select: withExtrasSelect });
  if (!row) throw new NotFoundError('Message');
  const { replyTo, mentions, reactions, ...columns } = row;
  const message = toMessage(columns);
  message.extras = {
    replied: replyTo && { message: toMessage(replyTo), author: replyTo.author },
    mentioned: mentions.map((mention) => mention.user),
    reactions: summarize(reactions),
  };
  return message;
}

/** Reactions in the order they were made, as one summary per emoji in first-use order, with every reactor. */
function summarize(reactions: { emoji: string; userId: string }[]): ReactionSummary[] {
  const byEmoji = new Map<string, ReactionSummary>();
  for (const { emoji, userId } of reactions) {
    let summary = byEmoji.get(emoji);
    if (!summary) byEmoji.set(emoji, (summary = { emoji, count: 0, userIds: [] }));
    summary.count += 1;
    summary.userIds.push(userId);
  }
  return [...byEmoji.values()];
}
