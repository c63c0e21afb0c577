import type { PrismaClient } from '../../generated/prisma/client';
import type { ExportList, ExportPage } from './data-export.document';

/** Rows per page of each list: a page of chats carries up to 1000 members each. */
const PAGE = { sessions: 500, friendships: 500, chats: 20, uploads: 500, messages: 1000 } as const;

/** A page of rows keyed by `id`, the key of the next page being the last row's id when the page is full. */
function paged<T extends { id: string }>(size: number, read: (after: string | undefined, take: number) => Promise<T[]>, shape: (row: T) => unknown): ExportList['page'] {
  return async (after): Promise<ExportPage> => {
    const rows = await read(after, size);
    return { rows: rows.map(shape), next: rows.length === size ? rows.at(-1)!.id : undefined };
  };
}

const after = (key: string | undefined) => (key === undefined ? {} : { id: { gt: key } });

/** The account itself: everything of the user row but secrets (the password hash). */
export function exportProfile(prisma: PrismaClient, userId: string) {
  return prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: { id: true, username: true, email: true, emailVerifiedAt: true, displayName: true, bio: true, avatarUrl: true, avatarUploadId: true, createdAt: true, lastSeenAt: true },
  });
}

const sessions = (prisma: PrismaClient, userId: string): ExportList => ({
  name: 'sessions',
  page: paged(PAGE.sessions, (key, take) => prisma.session.findMany({
    where: { userId, ...after(key) }, orderBy: { id: 'asc' }, take,
    select: { id: true, createdAt: true, lastUsedAt: true, userAgent: true, expiresAt: true, revokedAt: true },
  }), (row) => row),
});

const friendships = (prisma: PrismaClient, userId: string): ExportList => ({
  name: 'friendships',
  page: paged(PAGE.friendships, (key, take) => prisma.friendship.findMany({
    where: { userId, ...after(key) }, orderBy: { id: 'asc' }, take,
    select: { id: true, status: true, createdAt: true, updatedAt: true, otherUser: { select: { id: true, username: true, displayName: true } } },
  }), ({ otherUser, ...row }) => ({ ...row, user: otherUser })),
});

/** Chats are keyed by their id (the membership's key), each with every member's name and role. */
const chats = (prisma: PrismaClient, userId: string): ExportList => ({
  name: 'chats',
  page: async (key) => {
    const memberships = await prisma.chatMember.findMany({
      where: { userId, ...(key === undefined ? {} : { chatId: { gt: key } }) }, orderBy: { chatId: 'asc' }, take: PAGE.chats,
      select: {
        chatId: true, role: true, joinedAt: true,
        chat: { select: { kind: true, name: true, createdAt: true, members: { orderBy: { joinedAt: 'asc' }, select: { role: true, joinedAt: true, user: { select: { id: true, username: true, displayName: true } } } } } },
      },
    });
    const rows = memberships.map(({ chatId, role, joinedAt, chat }) => ({
      id: chatId, kind: chat.kind, name: chat.name, createdAt: chat.createdAt, role, joinedAt,
      members: chat.members.map((member) => ({ ...member.user, role: member.role, joinedAt: member.joinedAt })),
    }));
    return { rows, next: memberships.length === PAGE.chats ? memberships.at(-1)!.chatId : undefined };
  },
});

const uploads = (prisma: PrismaClient, userId: string): ExportList => ({
  name: 'uploads',
  page: paged(PAGE.uploads, (key, take) => prisma.upload.findMany({
    where: { ownerId: userId, ...after(key) }, orderBy: { id: 'asc' }, take,
    select: { id: true, purpose: true, status: true, name: true, mimeType: true, sizeBytes: true, width: true, height: true, createdAt: true },
  }), (row) => row),
});

const messages = (prisma: PrismaClient, userId: string): ExportList => ({
  name: 'messages',
  page: paged(PAGE.messages, (key, take) => prisma.message.findMany({
    where: { authorId: userId, ...after(key) }, orderBy: { id: 'asc' }, take,
    select: {
      id: true, chatId: true, seq: true, body: true, createdAt: true, editedAt: true, deletedAt: true,
      attachments: { orderBy: { position: 'asc' }, select: { url: true, uploadId: true, name: true, mimeType: true, sizeBytes: true, width: true, height: true } },
    },
  }), (row) => row),
});

/**
 * What an account holds, list by list, each read in keyset pages: sessions (without their tokens),
 * the user's side of friendships, requests and blocks, chats with their members' names, uploads'
 * metadata, and every message the user wrote with its attachments' metadata.
 */
export function exportLists(prisma: PrismaClient, userId: string): ExportList[] {
  return [sessions, friendships, chats, uploads, messages].map((list) => list(prisma, userId));
}
