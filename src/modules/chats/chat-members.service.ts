import { BadInputError, ForbiddenError, NotFoundError } from '../../errors/errors';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import type { ChatUpdateEvent, EventPublisher } from '../../realtime/topics';
import { assertChatMember, chatUpdateEvent, type Membership } from './chat.access';
import { assertAddable } from './chat.service';
import { type Chat, chatColumns, type ChatMember, chatMemberColumns, type ChatRole, MAX_CHAT_MEMBERS } from './chat.type';

/** Locks the chat row for the rest of the transaction: membership changes of one chat run one at a time. */
async function lockChat(tx: Prisma.TransactionClient, chatId: string): Promise<void> {
  await tx.$executeRaw`SELECT 1 FROM "Chat" WHERE "id" = ${chatId} FOR UPDATE`;
}

function assertGroup(membership: Membership): void {
  if (membership.chat.kind === 'PRIVATE') throw new BadInputError('chatId', 'The members of a private chat cannot change.');
}

/** Who may remove whom: the owner anyone else, admins plain members, members nobody. */
function mayRemove(actor: ChatRole, target: ChatRole): boolean {
  return target !== 'OWNER' && (actor === 'OWNER' || (actor === 'ADMIN' && target === 'MEMBER'));
}

/**
 * Takes the user out of the chat they are a member of (locked by the caller), handing a group's
 * ownership to the longest-standing admin, else the longest-standing member; the new owner's id.
 */
async function depart(tx: Prisma.TransactionClient, events: ChatUpdateEvent[], userId: string, membership: Membership): Promise<string | null> {
  const chatId = membership.chat.id;
  await tx.chatMember.delete({ where: { chatId_userId: { chatId, userId } } });
  events.push(await chatUpdateEvent(tx, { kind: 'MEMBER_LEFT', chatId, actorId: userId, userIds: [userId] }));
  if (membership.member.role !== 'OWNER') return null;
  const heir = await tx.chatMember.findFirst({
    where: { chatId },
    // ADMIN sorts before MEMBER in the enum's declared order (OWNER, ADMIN, MEMBER).
    orderBy: [{ role: 'asc' }, { joinedAt: 'asc' }, { userId: 'asc' }],
    select: { userId: true },
  });
  if (!heir) return null;
  await tx.chatMember.update({ where: { chatId_userId: { chatId, userId: heir.userId } }, data: { role: 'OWNER' } });
  events.push(await chatUpdateEvent(tx, { kind: 'ROLE_CHANGED', chatId, actorId: userId, userIds: [heir.userId] }));
  return heir.userId;
}

export class ChatMemberService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: EventPublisher,
  ) {}

  /** Runs a membership change; its events are published once the transaction has committed. */
  private async change<T>(work: (tx: Prisma.TransactionClient, events: ChatUpdateEvent[]) => Promise<T>): Promise<T> {
    const events: ChatUpdateEvent[] = [];
    const result = await this.prisma.$transaction((tx) => work(tx, events));
    this.publish(events);
    return result;
  }

  /** Publishes membership events once the transaction that made them has committed. */
  publish(events: ChatUpdateEvent[]): void {
    for (const event of events) this.events.publish('chat.updated', event);
  }

  /** Adds users as MEMBERs (those already in are left as they are); the chat holds at most 1000. */
  async add(viewerId: string, chatId: string, userIds: string[]): Promise<{ chat: Chat; added: string[] }> {
    return this.change(async (tx, events) => {
      await lockChat(tx, chatId);
      const membership = await assertChatMember(tx, chatId, viewerId);
      assertGroup(membership);
      if (membership.member.role === 'MEMBER') throw new ForbiddenError('Only the owner and admins can add members.');
      const current = await tx.chatMember.findMany({ where: { chatId }, select: { userId: true } });
      const present = new Set(current.map((member) => member.userId));
      const added = [...new Set(userIds)].filter((id) => !present.has(id));
      if (present.size + added.length > MAX_CHAT_MEMBERS) {
        throw new BadInputError('userIds', `A chat has at most ${MAX_CHAT_MEMBERS} members.`);
      }
      await assertAddable(tx, viewerId, added);
      // New members start with nothing unread: history before they joined is readable, not pending.
      const { lastSeq } = membership.chat;
      await tx.chatMember.createMany({
        data: added.map((userId) => ({ chatId, userId, role: 'MEMBER' as const, lastReadSeq: lastSeq, lastDeliveredSeq: lastSeq })),
      });
      if (added.length > 0) events.push(await chatUpdateEvent(tx, { kind: 'MEMBERS_ADDED', chatId, actorId: viewerId, userIds: added }));
      return { chat: membership.chat, added };
    });
  }

  async remove(viewerId: string, chatId: string, userId: string): Promise<Chat> {
    return this.change(async (tx, events) => {
      await lockChat(tx, chatId);
      const membership = await assertChatMember(tx, chatId, viewerId);
      assertGroup(membership);
      if (userId === viewerId) throw new BadInputError('userId', 'To leave a chat, use leaveChat.');
      const target = await this.memberOrThrow(tx, chatId, userId);
      if (!mayRemove(membership.member.role, target.role)) {
        throw new ForbiddenError(`A chat ${membership.member.role.toLowerCase()} cannot remove a ${target.role.toLowerCase()}.`);
      }
      await tx.chatMember.delete({ where: { chatId_userId: { chatId, userId } } });
      events.push(await chatUpdateEvent(tx, { kind: 'MEMBER_REMOVED', chatId, actorId: viewerId, userIds: [userId] }));
      return membership.chat;
    });
  }

  /** Only the owner changes roles; making someone OWNER hands ownership over (the old owner becomes ADMIN). */
  async setRole(viewerId: string, chatId: string, userId: string, role: ChatRole): Promise<ChatMember> {
    return this.change(async (tx, events) => {
      await lockChat(tx, chatId);
      const membership = await assertChatMember(tx, chatId, viewerId);
      assertGroup(membership);
      if (membership.member.role !== 'OWNER') throw new ForbiddenError('Only the owner can change roles.');
      if (userId === viewerId) throw new BadInputError('userId', 'The owner hands ownership over by making another member OWNER.');
      await this.memberOrThrow(tx, chatId, userId);
      if (role === 'OWNER') {
        await tx.chatMember.update({ where: { chatId_userId: { chatId, userId: viewerId } }, data: { role: 'ADMIN' } });
      }
      const changed = await tx.chatMember.update({ where: { chatId_userId: { chatId, userId } }, data: { role }, select: chatMemberColumns });
      const concerned = role === 'OWNER' ? [userId, viewerId] : [userId];
      events.push(await chatUpdateEvent(tx, { kind: 'ROLE_CHANGED', chatId, actorId: viewerId, userIds: concerned }));
      return changed;
    });
  }

  /**
   * Leaves a group. An owner who leaves hands ownership to the longest-standing admin, else the
   * longest-standing member. The last one out deletes nothing: the history stays.
   */
  async leave(viewerId: string, chatId: string): Promise<{ chat: Chat; newOwnerId: string | null }> {
    return this.change(async (tx, events) => {
      await lockChat(tx, chatId);
      const membership = await assertChatMember(tx, chatId, viewerId);
      assertGroup(membership);
      return { chat: membership.chat, newOwnerId: await depart(tx, events, viewerId, membership) };
    });
  }

  /**
   * Takes a user out of every chat they are in (their account is being deleted), inside `tx`: each
   * chat as leaveChat leaves it, ownership passing on the same way; private chats too. Chats are
   * locked in id order, so that two of these never wait for each other. Publish the events it
   * returns once `tx` has committed.
   */
  async leaveEveryChatIn(tx: Prisma.TransactionClient, userId: string): Promise<ChatUpdateEvent[]> {
    const events: ChatUpdateEvent[] = [];
    const chats = await tx.chatMember.findMany({ where: { userId }, select: { chatId: true }, orderBy: { chatId: 'asc' } });
    for (const { chatId } of chats) {
      await lockChat(tx, chatId);
      const member = await tx.chatMember.findUnique({ where: { chatId_userId: { chatId, userId } }, select: { ...chatMemberColumns, chat: { select: chatColumns } } });
      // Removed by someone else between the list and the lock.
      if (!member) continue;
      const { chat, ...rest } = member;
      await depart(tx, events, userId, { chat, member: rest });
    }
    return events;
  }

  private async memberOrThrow(tx: Prisma.TransactionClient, chatId: string, userId: string): Promise<ChatMember> {
    const member = await tx.chatMember.findUnique({ where: { chatId_userId: { chatId, userId } }, select: chatMemberColumns });
    if (!member) throw new NotFoundError('Member');
    return member;
  }
}

