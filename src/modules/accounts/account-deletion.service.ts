import type { Logger } from 'pino';
import type { Viewer } from '../../auth/authenticator';
import type { PasswordHasher } from '../../auth/passwords';
import { Prisma, type PrismaClient } from '../../generated/prisma/client';
import type { ChatUpdateEvent, EventPublisher } from '../../realtime/topics';
import type { SessionService } from '../auth/session.service';
import type { ChatMemberService } from '../chats/chat-members.service';
import { markForRemoval, type UploadRemoval } from '../files/upload-removal';
import { messageSelect, toMessage } from '../messages/message.type';
import type { DataExportService } from './data-export.service';
import { assertCurrentPassword } from './email.service';

/** Erased messages are announced in pages of this many. */
const ERASED_PAGE = 500;

/** The name a deleted account keeps: never one sign-up accepts ('-' is not allowed there), unique by the id. */
export function deletedUsername(userId: string): string {
  return `deleted-${userId.replaceAll('-', '')}`;
}

interface Removed {
  chatEvents: ChatUpdateEvent[];
  uploadIds: string[];
  erased: number;
}

/** Leaving for good: the account is emptied in one transaction, and the row stays as 'deleted' for others' history. */
export class AccountDeletionService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly chatMembers: ChatMemberService,
    private readonly uploadRemoval: UploadRemoval,
    private readonly exports: DataExportService,
    private readonly events: EventPublisher,
    private readonly logger: Logger,
  ) {}

  /**
   * Needs the current password. In one transaction: leaves every chat as leaveChat does (groups'
   * ownership passes on), removes friendships, requests and blocks both ways, marks every upload for
   * removal, optionally deletes every message as deleteMessage does, ends every session, and turns
   * the user into 'deleted-…' without email, password or profile (the name and address are free again).
   * Then: the sessions' sockets close, chats hear of the departures (and of each erased message),
   * and the uploads' and exports' bytes go.
   */
  async delete(viewer: Viewer, currentPassword: string, eraseMessages: boolean): Promise<boolean> {
    const userId = viewer.userId;
    await assertCurrentPassword(this.prisma, this.passwords, userId, currentPassword);
    const now = new Date();
    const removed = await this.prisma.$transaction((tx) => this.empty(tx, userId, eraseMessages, now), { timeout: 120_000 });
    this.sessions.announce({ userId });
    this.chatMembers.publish(removed.chatEvents);
    await this.uploadRemoval.removeAfterCommit(removed.uploadIds);
    await this.exports.removeAllOf(userId).catch((error: unknown) => this.logger.warn({ err: error, userId }, 'removing exports failed; the sweep will try again'));
    if (removed.erased > 0) await this.announceErased(userId, now);
    return true;
  }

  private async empty(tx: Prisma.TransactionClient, userId: string, eraseMessages: boolean, now: Date): Promise<Removed> {
    // Locked first: a profile change, or a second deletion sent at the same moment, waits for this one and then finds it done.
    const [user] = await tx.$queryRaw<{ deletedAt: Date | null }[]>`SELECT "deletedAt" FROM "User" WHERE "id" = ${userId} FOR UPDATE`;
    if (!user || user.deletedAt) return { chatEvents: [], uploadIds: [], erased: 0 };
    const chatEvents = await this.chatMembers.leaveEveryChatIn(tx, userId);
    await tx.friendship.deleteMany({ where: { OR: [{ userId }, { otherUserId: userId }] } });
    const uploadIds = (await tx.upload.findMany({ where: { ownerId: userId }, select: { id: true } })).map((upload) => upload.id);
    let erased = 0;
    if (eraseMessages) {
      // As deleteMessage does: body, attachments, mentions, reactions and pin go; seq stays.
      const erasing = { authorId: userId, deletedAt: null };
      await tx.attachment.deleteMany({ where: { message: erasing } });
      await tx.mention.deleteMany({ where: { message: erasing } });
      await tx.reaction.deleteMany({ where: { message: erasing } });
      const gone = { body: null, deletedAt: now, pinnedAt: null, pinnedById: null, mentionIds: [], reactionSummary: Prisma.DbNull };
      erased = (await tx.message.updateMany({ where: erasing, data: gone })).count;
    }
    await markForRemoval(tx, uploadIds, now);
    // Expired as of now: removed below once this commits, or by the sweep if that fails.
    await tx.exportFile.updateMany({ where: { userId }, data: { expiresAt: now } });
    await tx.accountToken.deleteMany({ where: { userId } });
    await tx.session.deleteMany({ where: { userId } });
    const username = deletedUsername(userId);
    await tx.user.update({
      where: { id: userId },
      data: {
        username, usernameKey: username.toLowerCase(), email: null, emailKey: null, emailVerifiedAt: null, passwordHash: '',
        displayName: null, bio: null, avatarUrl: null, avatarUploadId: null, avatarKey: null, lastSeenAt: null, deletedAt: now,
      },
    });
    return { chatEvents, uploadIds, erased };
  }

  /** Each erased message is published as deleteMessage publishes it, read back in pages (an account may have written many). */
  private async announceErased(authorId: string, deletedAt: Date): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const page = await this.prisma.message.findMany({
        where: { authorId, deletedAt, ...(after ? { id: { gt: after } } : {}) },
        orderBy: { id: 'asc' },
        take: ERASED_PAGE,
        select: messageSelect,
      });
      if (page.length === 0) return;
      this.events.publishAll('message.updated', page.map((row) => ({ chatId: row.chatId, message: toMessage(row) })));
      if (page.length < ERASED_PAGE) return;
      after = page.at(-1)!.id;
    }
  }
}
