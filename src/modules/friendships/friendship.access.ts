import type { Prisma } from '../../generated/prisma/client';

/** Whether `blockerId` has blocked `blockedId` (one direction only). */
export async function hasBlocked(db: Prisma.TransactionClient, blockerId: string, blockedId: string): Promise<boolean> {
  const row = await db.friendship.findUnique({
    where: { userId_otherUserId: { userId: blockerId, otherUserId: blockedId } },
    select: { status: true },
  });
  return row?.status === 'BLOCKED';
}

/** The ids among `userIds` who have blocked `userId`. */
export async function blockersOf(db: Prisma.TransactionClient, userId: string, userIds: string[]): Promise<Set<string>> {
  const rows = await db.friendship.findMany({
    where: { userId: { in: userIds }, otherUserId: userId, status: 'BLOCKED' },
    select: { userId: true },
  });
  return new Set(rows.map((row) => row.userId));
}
