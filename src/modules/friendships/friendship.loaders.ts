import DataLoader from 'dataloader';
import type { PrismaClient } from '../../generated/prisma/client';
import { type Friendship, friendshipColumns } from './friendship.type';

/** The viewer's relationship to each user, from the viewer's side. */
export function friendshipWithLoader(
  prisma: PrismaClient,
  viewerId: () => Promise<string | null>,
): DataLoader<string, Friendship | null> {
  return new DataLoader(async (otherUserIds) => {
    const viewer = await viewerId();
    if (!viewer) return otherUserIds.map(() => null);
    const rows = await prisma.friendship.findMany({
      where: { userId: viewer, otherUserId: { in: [...otherUserIds] } },
      select: friendshipColumns,
    });
    const byOther = new Map(rows.map((row) => [row.otherUserId, row]));
    return otherUserIds.map((id) => byOther.get(id) ?? null);
  });
}
