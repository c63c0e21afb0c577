import DataLoader from 'dataloader';
import type { PrismaClient } from '../../generated/prisma/client';
import type { Sql } from '../../db/sql';
import { MAX_PAGE_SIZE } from '../../server/relay';
import { type Message, messageSelect, type ReactionSummary, toMessage } from './message.type';
import { REACTIONS_OF_MESSAGES, type ReactionRow } from './reaction.sql';

export interface MessageKey {
  chatId: string;
  seq: number;
}

/** Messages by (chat, seq): a chat's last message is the one at its lastSeq. */
export function messageBySeqLoader(prisma: PrismaClient): DataLoader<MessageKey, Message | null, string> {
  return new DataLoader(
    async (keys) => {
      const rows = await prisma.message.findMany({
        where: { OR: keys.map(({ chatId, seq }) => ({ chatId, seq })) },
        select: messageSelect,
      });
      const byKey = new Map(rows.map((row) => [`${row.chatId}:${row.seq}`, toMessage(row)]));
      return keys.map(({ chatId, seq }) => byKey.get(`${chatId}:${seq}`) ?? null);
    },
    { cacheKeyFn: ({ chatId, seq }) => `${chatId}:${seq}` },
  );
}

/** Messages by id, for what a message answers (the viewer sees the chat the message is in). */
export function messageLoader(prisma: PrismaClient): DataLoader<string, Message | null> {
  return new DataLoader(async (ids) => {
    const rows = await prisma.message.findMany({ where: { id: { in: [...ids] } }, select: messageSelect });
    const byId = new Map(rows.map((row) => [row.id, toMessage(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Each message's reactions per emoji in first-use order (its kept summary: the first reactors), with whether the viewer is among them. */
export function reactionsLoader(sql: Sql, viewerId: () => Promise<string | null>): DataLoader<string, ReactionSummary[]> {
  return new DataLoader(async (messageIds) => {
    const rows = await sql.query<ReactionRow>(REACTIONS_OF_MESSAGES, [[...messageIds], await viewerId()]);
    const byMessage = new Map(
      rows.map(({ messageId, summary, viewerEmoji }) => [messageId, (summary ?? []).map((each) => ({ ...each, viewerReacted: viewerEmoji.includes(each.emoji) }))]),
    );
    return messageIds.map((id) => byMessage.get(id) ?? []);
  });
}

export interface ReactorsKey {
  messageId: string;
  emoji: string;
}

/** Who reacted to a message with an emoji, earliest first, up to a page's most (when more are asked for than a summary holds). */
export function reactorsLoader(prisma: PrismaClient): DataLoader<ReactorsKey, string[], string> {
  return new DataLoader(
    async (keys) => {
      const rows = await prisma.reaction.findMany({
        where: { OR: keys.map(({ messageId, emoji }) => ({ messageId, emoji })) },
        select: { messageId: true, emoji: true, userId: true },
        orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }],
      });
      const byKey = new Map<string, string[]>();
      for (const row of rows) {
        const key = `${row.messageId}\n${row.emoji}`;
        const ids = byKey.get(key) ?? [];
        if (ids.length < MAX_PAGE_SIZE) ids.push(row.userId);
        byKey.set(key, ids);
      }
      return keys.map(({ messageId, emoji }) => byKey.get(`${messageId}\n${emoji}`) ?? []);
    },
    { cacheKeyFn: ({ messageId, emoji }) => `${messageId}\n${emoji}` },
  );
}
