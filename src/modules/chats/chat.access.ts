import { NotFoundError } from '../../errors/errors';
import type { Prisma } from '../../generated/prisma/client';
import type { ChatEventKind, ChatUpdateEvent } from '../../realtime/topics';
import { type Chat, chatColumns, type ChatMember, chatMemberColumns } from './chat.type';

export interface Membership {
  chat: Chat;
  member: ChatMember;
}

/**
 * The viewer's membership of a chat, or NOT_FOUND: a chat the viewer is not in is reported
 * exactly like one that does not exist. Every operation that takes a chat id goes through here.
 */
export async function assertChatMember(
  db: Prisma.TransactionClient,
  chatId: string,
  userId: string,
  what = 'Chat',
): Promise<Membership> {
  const member = await db.chatMember.findUnique({
    where: { chatId_userId: { chatId, userId } },
    select: { ...chatMemberColumns, chat: { select: chatColumns } },
  });
  if (!member) throw new NotFoundError(what);
  const { chat, ...membership } = member;
  return { chat, member: membership };
}

/** A membership event as published: who it concerns and who is in the chat afterwards (read in the same transaction). */
export async function chatUpdateEvent(
  db: Prisma.TransactionClient,
  event: { kind: ChatEventKind; chatId: string; actorId: string; userIds: string[] },
): Promise<ChatUpdateEvent> {
  const members = await db.chatMember.findMany({ where: { chatId: event.chatId }, select: { userId: true } });
  return { ...event, at: new Date(), memberIds: members.map((member) => member.userId) };
}
