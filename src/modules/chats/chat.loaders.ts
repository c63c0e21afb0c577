import DataLoader from 'dataloader';
import type { PrismaClient } from '../../generated/prisma/client';
import type { Sql } from '../../db/sql';
import { UNREAD_MENTIONS } from './chat.sql';
import { type Chat, chatColumns, type ChatMember, chatMemberColumns } from './chat.type';

export function chatLoader(prisma: PrismaClient): DataLoader<string, Chat | null> {
  return new DataLoader(async (ids) => {
    const rows = await prisma.chat.findMany({ where: { id: { in: [...ids] } }, select: chatColumns });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** The current members of each chat, longest-standing first. */
export function chatMembersLoader(prisma: PrismaClient): DataLoader<string, ChatMember[]> {
  return new DataLoader(async (chatIds) => {
    const rows = await prisma.chatMember.findMany({
      where: { chatId: { in: [...chatIds] } },
      select: chatMemberColumns,
      orderBy: [{ joinedAt: 'asc' }, { userId: 'asc' }],
    });
    const byChat = new Map<string, ChatMember[]>(chatIds.map((id) => [id, []]));
    for (const row of rows) byChat.get(row.chatId)?.push(row);
    return chatIds.map((id) => byChat.get(id) ?? []);
  });
}

/** The viewer's own membership of each chat (null where not a member): unread counts and roles need no other member. */
export function viewerMembershipLoader(prisma: PrismaClient, viewerId: () => Promise<string | null>): DataLoader<string, ChatMember | null> {
  return new DataLoader(async (chatIds) => {
    const userId = await viewerId();
    const rows = userId ? await prisma.chatMember.findMany({ where: { userId, chatId: { in: [...chatIds] } }, select: chatMemberColumns }) : [];
    const byChat = new Map(rows.map((row) => [row.chatId, row]));
    return chatIds.map((id) => byChat.get(id) ?? null);
  });
}

/** The viewer's unread mentions in each chat. */
export function unreadMentionsLoader(sql: Sql, viewerId: () => Promise<string | null>): DataLoader<string, number> {
  return new DataLoader(async (chatIds) => {
    const rows = await sql.query<{ chatId: string; count: number }>(UNREAD_MENTIONS, [await viewerId(), [...chatIds]]);
    const byChat = new Map(rows.map((row) => [row.chatId, row.count]));
    return chatIds.map((id) => byChat.get(id) ?? 0);
  });
}
