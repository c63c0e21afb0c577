import DataLoader from 'dataloader';
import type { PrismaClient } from '../../generated/prisma/client';
import { type Message, messageSelect, toMessage } from './message.type';

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
