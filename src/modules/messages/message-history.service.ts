import { BadInputError } from '../../errors/errors';
import type { PrismaClient } from '../../generated/prisma/client';
import { type Connection, decodeCursor, encodeCursor, pageSize, toConnection } from '../../server/relay';
import { assertChatMember } from '../chats/chat.access';
import { type Message, messageSelect, toMessage } from './message.type';

export const DEFAULT_HISTORY_PAGE = 50;
export const DEFAULT_CATCH_UP_PAGE = 100;

export interface HistoryArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

const isSeqCursor = (keys: unknown[]): keys is [number] => keys.length === 1 && Number.isSafeInteger(keys[0]) && (keys[0] as number) >= 0;
const seqOf = (cursor: string | null | undefined, field: string): number | undefined =>
  cursor ? decodeCursor<[number]>(cursor, field, isSeqCursor)[0] : undefined;
const cursorOf = (message: Message): string => encodeCursor([message.seq]);

/** Reading a chat's history: keyset pages on (chatId, seq), never an OFFSET. */
export class MessageHistoryService {
  constructor(private readonly prisma: PrismaClient) {}

  /** Oldest first within the page; `first`/`after` walk forward, `last`/`before` back; neither: the newest 50. */
  async page(viewerId: string, chatId: string, args: HistoryArgs): Promise<Connection<Message>> {
    if (args.first != null && args.last != null) throw new BadInputError('last', 'Give first or last, not both.');
    await assertChatMember(this.prisma, chatId, viewerId);
    const after = seqOf(args.after, 'after');
    const before = seqOf(args.before, 'before');
    const seq = { ...(after !== undefined && { gt: after }), ...(before !== undefined && { lt: before }) };
    const forward = args.first != null || (args.last == null && after !== undefined && before === undefined);
    const size = forward ? pageSize(args.first, 'first', DEFAULT_HISTORY_PAGE) : pageSize(args.last, 'last', DEFAULT_HISTORY_PAGE);
    const rows = await this.prisma.message.findMany({
      where: { chatId, seq },
      orderBy: { seq: forward ? 'asc' : 'desc' },
      take: size + 1,
      select: messageSelect,
    });
    const more = rows.length > size;
    const page = rows.slice(0, size).map(toMessage);
    if (!forward) page.reverse();
    return toConnection(page, cursorOf, {
      hasNextPage: forward ? more : before !== undefined,
      hasPreviousPage: forward ? (after ?? 0) > 0 : more,
    });
  }

  /** Messages with seq > afterSeq, oldest first: what a client missed while disconnected. */
  async since(viewerId: string, chatId: string, afterSeq: number, first?: number | null): Promise<Connection<Message>> {
    if (afterSeq < 0) throw new BadInputError('afterSeq', 'afterSeq must be 0 or more.');
    const size = pageSize(first, 'first', DEFAULT_CATCH_UP_PAGE);
    await assertChatMember(this.prisma, chatId, viewerId);
    const rows = await this.prisma.message.findMany({
      where: { chatId, seq: { gt: afterSeq } },
      orderBy: { seq: 'asc' },
      take: size + 1,
      select: messageSelect,
    });
    return toConnection(rows.slice(0, size).map(toMessage), cursorOf, { hasNextPage: rows.length > size, hasPreviousPage: afterSeq > 0 });
  }
}
