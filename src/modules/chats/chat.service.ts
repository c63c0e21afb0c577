import { BadInputError, ForbiddenError, NotFoundError } from '../../errors/errors';
import type { PrismaClient } from '../../generated/prisma/client';
import type { Sql } from '../../db/sql';
import { isUniqueViolation } from '../../db/errors';
import { nameProblem, normalizeName } from '../../server/names';
import { type Connection, decodeCursor, encodeCursor, isCursorTime, pageSize, toConnection } from '../../server/relay';
import { blockersOf, hasBlocked } from '../friendships/friendship.access';
import type { EventPublisher } from '../../realtime/topics';
import { assertChatMember, chatUpdateEvent } from './chat.access';
import type { CreateGroupChatInput } from './chat.inputs';
import { type ChatListRow, type ChatPageLoaders, primeChatPage } from './chat-page';
import { CHAT_LIST, type ChatListWants } from './chat.sql';
import { type Chat, CHAT_NAME_MAX, chatColumns, MAX_CHAT_MEMBERS } from './chat.type';

/**
 * A chat list cursor: the list's snapshot time, when the viewer had pinned the chat as of then
 * (null: not pinned), the chat's activity as of then, and its id (ms / text). A cursor of three
 * (from before pins) is an unpinned chat's.
 */
type ChatCursor = [snapshot: number, pinned: number | null, activity: number, id: string];
type OldChatCursor = [snapshot: number, activity: number, id: string];
const isChatCursor = (keys: unknown[]): keys is ChatCursor | OldChatCursor =>
  (keys.length === 4 && isCursorTime(keys[0]) && (keys[1] === null || isCursorTime(keys[1])) && isCursorTime(keys[2]) && typeof keys[3] === 'string') ||
  (keys.length === 3 && isCursorTime(keys[0]) && isCursorTime(keys[1]) && typeof keys[2] === 'string');

function chatCursor(cursor: string): ChatCursor {
  const keys = decodeCursor<ChatCursor | OldChatCursor>(cursor, 'after', isChatCursor);
  return keys.length === 4 ? keys : [keys[0], null, keys[1], keys[2]];
}

const NOT_PINNED = '-infinity';

/** A chat name as stored: in NFC, trimmed, 1-64 characters, nothing invisible or reordering (renameChat's argument has no input class). */
export function chatName(name: string, field = 'name'): string {
  const problem = nameProblem(name, field);
  if (problem) throw new BadInputError(field, problem);
  const normalized = normalizeName(name);
  if (normalized.length < 1 || normalized.length > CHAT_NAME_MAX) {
    throw new BadInputError(field, `${field} must be 1-${CHAT_NAME_MAX} characters.`);
  }
  return normalized;
}

export class ChatService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: Sql,
    private readonly events: EventPublisher,
  ) {}

  /** The chat if the viewer is in it; null otherwise (never a hint that it exists). */
  async get(viewerId: string, chatId: string): Promise<Chat | null> {
    const member = await this.prisma.chatMember.findUnique({
      where: { chatId_userId: { chatId, userId: viewerId } },
      select: { chat: { select: chatColumns } },
    });
    return member?.chat ?? null;
  }

  /** The one private chat of the pair, created on first use; the database keeps it unique. */
  async openPrivate(viewerId: string, userId: string): Promise<Chat> {
    if (userId === viewerId) throw new BadInputError('userId', 'A private chat needs another user.');
    const other = await this.prisma.user.findUnique({ where: { id: userId, deletedAt: null }, select: { id: true } });
    if (!other) throw new NotFoundError('User');
    if (await hasBlocked(this.prisma, userId, viewerId)) {
      throw new ForbiddenError('This user has blocked you; you cannot open a chat with them.');
    }
    const privatePairKey = [viewerId, userId].sort().join(':');
    const existing = await this.prisma.chat.findUnique({ where: { privatePairKey }, select: chatColumns });
    if (existing) return existing;
    try {
      const chat = await this.prisma.chat.create({
        data: {
          kind: 'PRIVATE',
          privatePairKey,
          members: { create: [{ userId: viewerId }, { userId }] },
        },
        select: chatColumns,
      });
      this.events.publish('chat.updated', {
        kind: 'CREATED',
        chatId: chat.id,
        actorId: viewerId,
        userIds: [viewerId, userId],
        memberIds: [viewerId, userId],
        at: new Date(),
      });
      return chat;
    } catch (error) {
      // The other side (or another tab) created it a moment ago.
      if (!isUniqueViolation(error)) throw error;
      return this.prisma.chat.findUniqueOrThrow({ where: { privatePairKey }, select: chatColumns });
    }
  }

  async createGroup(viewerId: string, input: CreateGroupChatInput): Promise<Chat> {
    const name = chatName(input.name);
    const memberIds = [...new Set(input.memberIds)].filter((id) => id !== viewerId);
    if (memberIds.length + 1 > MAX_CHAT_MEMBERS) {
      throw new BadInputError('memberIds', `A chat has at most ${MAX_CHAT_MEMBERS} members.`);
    }
    await assertAddable(this.prisma, viewerId, memberIds);
    const chat = await this.prisma.chat.create({
      data: {
        kind: 'GROUP',
        name,
        members: {
          create: [{ userId: viewerId, role: 'OWNER' }, ...memberIds.map((userId) => ({ userId, role: 'MEMBER' as const }))],
        },
      },
      select: chatColumns,
    });
    const everyone = [viewerId, ...memberIds];
    this.events.publish('chat.updated', { kind: 'CREATED', chatId: chat.id, actorId: viewerId, userIds: everyone, memberIds: everyone, at: new Date() });
    return chat;
  }

  async rename(viewerId: string, chatId: string, newName: string): Promise<Chat> {
    const { chat, member } = await assertChatMember(this.prisma, chatId, viewerId);
    if (chat.kind === 'PRIVATE') throw new BadInputError('chatId', 'Private chats have no name to change.');
    if (member.role === 'MEMBER') throw new ForbiddenError('Only the owner and admins can rename the chat.');
    const renamed = await this.prisma.chat.update({ where: { id: chatId }, data: { name: chatName(newName) }, select: chatColumns });
    this.events.publish('chat.updated', await chatUpdateEvent(this.prisma, { kind: 'RENAMED', chatId, actorId: viewerId, userIds: [] }));
    return renamed;
  }

  /**
   * The viewer's chats, pinned ones first, then most recent activity first (archived ones only when
   * asked for, hidden ones not until their next message), in one statement (CHAT_LIST) with what
   * the operation selected of each: its last message and author, its members and their users, the
   * viewer's unread mentions, which go into the request's loaders. The first page fixes a snapshot
   * time; later pages order every chat by its pin and activity as of that time, so chats whose new
   * messages move them to the top meanwhile are neither skipped nor repeated (clients learn of new
   * activity live).
   */
  async list(
    viewerId: string,
    args: { first?: number | null; after?: string | null; archived?: boolean | null },
    wants: ChatListWants,
    loaders: ChatPageLoaders,
  ): Promise<Connection<Chat>> {
    const size = pageSize(args.first, 'first', 20);
    const cursor = args.after ? chatCursor(args.after) : undefined;
    const snapshot = new Date(cursor ? cursor[0] : Date.now());
    const time = (ms: number | null) => (ms === null ? NOT_PINNED : new Date(ms).toISOString());
    const rows = await this.sql.query<ChatListRow>(CHAT_LIST, [
      viewerId,
      snapshot.toISOString(),
      cursor ? time(cursor[1]) : null,
      cursor ? time(cursor[2]) : null,
      cursor ? cursor[3] : null,
      size + 1,
      wants.lastMessage,
      wants.lastMessageAuthor,
      wants.members,
      wants.memberUsers,
      args.archived ?? false,
      wants.unreadMentionCount,
    ]);
    const page = rows.slice(0, size);
    for (const row of page) primeChatPage(loaders, row, viewerId);
    const keysOf = new Map(page.map((row) => [row.id, [pinTime(row.pinned), row.activity.getTime()] as const]));
    return toConnection(
      page.map((row) => ({ id: row.id, kind: row.kind, name: row.name, createdAt: row.createdAt, lastActivityAt: row.lastActivityAt, lastSeq: row.lastSeq })),
      (chat) => encodeCursor([snapshot.getTime(), ...keysOf.get(chat.id)!, chat.id]),
      { hasNextPage: rows.length > size, hasPreviousPage: cursor !== undefined },
    );
  }
}

/** A pin time as read (-infinity, read as an invalid or infinite Date, when not pinned) for a cursor. */
function pinTime(pinned: Date | string | number): number | null {
  const ms = pinned instanceof Date ? pinned.getTime() : Number.NaN;
  return Number.isFinite(ms) ? ms : null;
}

/** Everyone to be added exists and has not blocked the one adding them. */
export async function assertAddable(db: PrismaClient | Parameters<typeof blockersOf>[0], actorId: string, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  const found = await db.user.count({ where: { id: { in: userIds }, deletedAt: null } });
  if (found !== userIds.length) throw new NotFoundError('User');
  const blockers = await blockersOf(db, actorId, userIds);
  if (blockers.size > 0) throw new ForbiddenError('Some of these users have blocked you; they cannot be added by you.');
}
