import DataLoader from 'dataloader';
import type { PrismaClient } from '../../generated/prisma/client';
import type { Presence } from '../../realtime/presence';
import { toUser, type User, userColumns } from './user.type';

/** Users by id, as the viewer sees them (email only on their own). */
export function userLoader(prisma: PrismaClient, viewerId: () => Promise<string | null>): DataLoader<string, User | null> {
  return new DataLoader(async (ids) => {
    const [rows, viewer] = await Promise.all([
      prisma.user.findMany({ where: { id: { in: [...ids] } }, select: userColumns }),
      viewerId(),
    ]);
    const byId = new Map(rows.map((row) => [row.id, toUser(row, viewer)]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Whether each user has a live socket anywhere (one Redis round trip per batch). */
export function onlineLoader(presence: Presence): DataLoader<string, boolean> {
  return new DataLoader(async (ids) => {
    const online = await presence.onlineAmong(ids);
    return ids.map((id) => online.has(id));
  });
}
