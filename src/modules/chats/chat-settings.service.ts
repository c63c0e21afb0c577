import { isRecordMissing } from '../../db/errors';
import type { Sql } from '../../db/sql';
import { BadInputError, NotFoundError } from '../../errors/errors';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import type { EventPublisher } from '../../realtime/topics';
import type { PointerMoveRow } from '../messages/receipt.sql';
import { assertChatMember } from './chat.access';
import { CLEAR_HISTORY, UNREAD_SUMMARY } from './chat.sql';
import { type ChatMember, chatMemberColumns } from './chat.type';
import type { UnreadSummary } from './unread.type';

/** At most this many pinned chats per user. */
export const MAX_PINNED_CHATS = 10;

/** Each member's own view of a chat (muted, archived, pinned, cleared), which nobody else sees. */
export class ChatSettingsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: Sql,
    private readonly events: EventPublisher,
  ) {}

  /** Muted until `until` (a future instant); null unmutes. */
  async mute(viewerId: string, chatId: string, until: Date | null): Promise<ChatMember> {
    if (until && until.getTime() <= Date.now()) throw new BadInputError('until', 'until must be in the future (null unmutes).');
    return this.update(viewerId, chatId, { mutedUntil: until });
  }

  archive(viewerId: string, chatId: string, archived: boolean): Promise<ChatMember> {
    return this.update(viewerId, chatId, { archived });
  }

  /** Pinning a pinned chat leaves its place; at most MAX_PINNED_CHATS, counted under the viewer's row lock. */
  pin(viewerId: string, chatId: string, pinned: boolean): Promise<ChatMember> {
    if (!pinned) return this.update(viewerId, chatId, { pinnedAt: null });
    return this.prisma.$transaction(async (tx) => {
      const { member } = await assertChatMember(tx, chatId, viewerId);
      if (member.pinnedAt) return member;
      await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${viewerId} FOR NO KEY UPDATE`;
      const count = await tx.chatMember.count({ where: { userId: viewerId, pinnedAt: { not: null } } });
      if (count >= MAX_PINNED_CHATS) throw new BadInputError('pinned', `At most ${MAX_PINNED_CHATS} chats can be pinned; unpin one first.`);
      return this.write(tx, viewerId, chatId, { pinnedAt: new Date() });
    });
  }

  /** The viewer's history of the chat starts after its current lastSeq, all of it read; hidden from their list until its next message. */
  async clearHistory(viewerId: string, chatId: string, hide: boolean): Promise<ChatMember> {
    const [row] = await this.sql.query<PointerMoveRow>(CLEAR_HISTORY, [chatId, viewerId, hide]);
    if (!row) throw new NotFoundError('Chat');
    if (row.lastReadSeq !== row.previousRead || row.lastDeliveredSeq !== row.previousDelivered) {
      const receipt = { chatId, userId: viewerId, lastReadSeq: row.lastReadSeq, lastDeliveredSeq: row.lastDeliveredSeq, at: new Date() };
      this.events.publish('receipt.updated', { chatId, receipt });
    }
    return (await assertChatMember(this.prisma, chatId, viewerId)).member;
  }

  /** The badge numbers: unread chats and messages (muted chats left out), unread mentions. */
  async unreadSummary(viewerId: string): Promise<UnreadSummary> {
    const [row] = await this.sql.query<UnreadSummary>(UNREAD_SUMMARY, [viewerId, new Date().toISOString()]);
    return row!;
  }

  private update(viewerId: string, chatId: string, data: Prisma.ChatMemberUpdateInput): Promise<ChatMember> {
    return this.write(this.prisma, viewerId, chatId, data);
  }

  private async write(db: Prisma.TransactionClient, viewerId: string, chatId: string, data: Prisma.ChatMemberUpdateInput): Promise<ChatMember> {
    try {
      return await db.chatMember.update({ where: { chatId_userId: { chatId, userId: viewerId } }, data, select: chatMemberColumns });
    } catch (error) {
      // Not a member, or not one any more (they left meanwhile).
      if (isRecordMissing(error)) throw new NotFoundError('Chat');
      throw error;
    }
  }
}
