import { isUniqueViolation } from '../../db/errors';
import { BadInputError, ConflictError, NotFoundError } from '../../errors/errors';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import { type Connection, decodeCursor, encodeCursor, pageSize, toConnection } from '../../server/relay';
import type { EventPublisher } from '../../realtime/topics';
import { type Friendship, friendshipColumns, type FriendshipStatus } from './friendship.type';

interface Side {
  userId: string;
  otherUserId: string;
}

/**
 * Both rows of a pair, lower user id first. Every transaction that writes both rows writes them in
 * this order, so that two of them on one pair wait for each other instead of deadlocking.
 */
function bothSides(viewerId: string, userId: string): [Side, Side] {
  const mine = { userId: viewerId, otherUserId: userId };
  const theirs = { userId, otherUserId: viewerId };
  return viewerId < userId ? [mine, theirs] : [theirs, mine];
}

/** The request being answered was withdrawn or answered meanwhile; thrown inside a transaction to roll it back. */
class RequestGoneError extends NotFoundError {
  constructor() {
    super('Friend request');
  }
}

/** Runs `write` on both rows of the request the viewer received (theirs OUTGOING, the viewer's INCOMING). */
async function eachPendingRow(
  viewerId: string,
  userId: string,
  write: (where: Prisma.FriendshipWhereInput) => Promise<{ count: number }>,
): Promise<void> {
  for (const side of bothSides(viewerId, userId)) {
    const status: FriendshipStatus = side.userId === viewerId ? 'INCOMING' : 'OUTGOING';
    if ((await write({ ...side, status })).count === 0) throw new RequestGoneError();
  }
}

/** Deletes every row between the two users except blocks: a friendship or a pending request, both ways. */
async function deleteLinks(tx: Prisma.TransactionClient, viewerId: string, userId: string): Promise<number> {
  let deleted = 0;
  for (const side of bothSides(viewerId, userId)) {
    deleted += (await tx.friendship.deleteMany({ where: { ...side, status: { not: 'BLOCKED' } } })).count;
  }
  return deleted;
}

const isListCursor = (keys: unknown[]): keys is [string, string] =>
  keys.length === 2 && typeof keys[0] === 'string' && typeof keys[1] === 'string' && !Number.isNaN(Date.parse(keys[0]));

/** Friend requests, friendships and blocks. A request or a friendship is two rows, one per side; a block is the blocker's row. */
export class FriendshipService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: EventPublisher,
  ) {}

  /** Sends a request, or accepts the one `userId` already sent the viewer. */
  async sendRequest(viewerId: string, userId: string): Promise<Friendship> {
    if (userId === viewerId) throw new BadInputError('userId', 'You cannot send a friend request to yourself.');
    await this.assertUserExists(userId);
    try {
      return await this.decideRequest(viewerId, userId);
    } catch (error) {
      // A crossing request (or another change to the pair) committed first: decide again on what is there now.
      if (!isUniqueViolation(error) && !(error instanceof RequestGoneError)) throw error;
      return this.decideRequest(viewerId, userId);
    }
  }

  /** Accepts or declines a request the viewer received; declining deletes it and returns null. */
  async respond(viewerId: string, friendshipId: string, accept: boolean): Promise<Friendship | null> {
    const request = await this.prisma.friendship.findFirst({
      where: { id: friendshipId, userId: viewerId, status: 'INCOMING' },
      select: { otherUserId: true },
    });
    if (!request) throw new NotFoundError('Friend request');
    if (accept) return this.acceptRequest(viewerId, request.otherUserId);
    await this.prisma.$transaction((tx) =>
      eachPendingRow(viewerId, request.otherUserId, (where) => tx.friendship.deleteMany({ where })),
    );
    return null;
  }

  /** Ends a friendship or a pending request in either direction; blocks stay. */
  async remove(viewerId: string, userId: string): Promise<boolean> {
    const deleted = await this.prisma.$transaction((tx) => deleteLinks(tx, viewerId, userId));
    return deleted > 0;
  }

  /** Ends anything between the two and makes the viewer's row BLOCKED; a block by the other user stays as it is. */
  async block(viewerId: string, userId: string): Promise<Friendship> {
    if (userId === viewerId) throw new BadInputError('userId', 'You cannot block yourself.');
    await this.assertUserExists(userId);
    try {
      return await this.blockOnce(viewerId, userId);
    } catch (error) {
      // A concurrent block by the viewer inserted the row first; the second attempt finds it.
      if (!isUniqueViolation(error)) throw error;
      return this.blockOnce(viewerId, userId);
    }
  }

  async unblock(viewerId: string, userId: string): Promise<boolean> {
    const { count } = await this.prisma.friendship.deleteMany({
      where: { userId: viewerId, otherUserId: userId, status: 'BLOCKED' },
    });
    return count > 0;
  }

  /** The viewer's relationships, most recently changed first. */
  async list(
    viewerId: string,
    args: { status?: FriendshipStatus | null; first?: number | null; after?: string | null },
  ): Promise<Connection<Friendship>> {
    const size = pageSize(args.first, 'first', 20);
    const after = args.after ? decodeCursor<[string, string]>(args.after, 'after', isListCursor) : null;
    const afterTime = after && new Date(after[0]);
    const rows = await this.prisma.friendship.findMany({
      where: {
        userId: viewerId,
        ...(args.status ? { status: args.status } : {}),
        ...(after ? { OR: [{ updatedAt: { lt: afterTime! } }, { updatedAt: afterTime!, id: { lt: after[1] } }] } : {}),
      },
      orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
      take: size + 1,
      select: friendshipColumns,
    });
    return toConnection(rows.slice(0, size), (row) => encodeCursor([row.updatedAt.toISOString(), row.id]), {
      hasNextPage: rows.length > size,
      hasPreviousPage: after !== null,
    });
  }

  private async decideRequest(viewerId: string, userId: string): Promise<Friendship> {
    const rows = await this.prisma.friendship.findMany({
      where: { OR: bothSides(viewerId, userId) },
      select: { userId: true, status: true },
    });
    const mine = rows.find((row) => row.userId === viewerId)?.status;
    const theirs = rows.find((row) => row.userId === userId)?.status;
    if (mine === 'BLOCKED') throw new ConflictError('Unblock this user first.');
    if (theirs === 'BLOCKED') throw new ConflictError('This user does not accept friend requests from you.');
    if (mine === 'ACCEPTED') throw new ConflictError('You are already friends.');
    if (mine === 'OUTGOING') throw new ConflictError('You have already sent this user a friend request.');
    if (mine === 'INCOMING') return this.acceptRequest(viewerId, userId);
    return this.createRequest(viewerId, userId);
  }

  private async createRequest(viewerId: string, userId: string): Promise<Friendship> {
    const rows = await this.prisma.$transaction(
      bothSides(viewerId, userId).map((side) =>
        this.prisma.friendship.create({
          data: { ...side, status: side.userId === viewerId ? 'OUTGOING' : 'INCOMING' },
          select: friendshipColumns,
        }),
      ),
    );
    return rows.find((row) => row.otherUserId === userId)!;
  }

  /** Makes the request the viewer received from `userId` a friendship and returns the viewer's row. */
  private async acceptRequest(viewerId: string, userId: string): Promise<Friendship> {
    const friendship = await this.prisma.$transaction(async (tx) => {
      await eachPendingRow(viewerId, userId, (where) => tx.friendship.updateMany({ where, data: { status: 'ACCEPTED' } }));
      return tx.friendship.findUniqueOrThrow({
        where: { userId_otherUserId: { userId: viewerId, otherUserId: userId } },
        select: friendshipColumns,
      });
    });
    // New friends follow each other's presence from now on.
    this.events.publish('friendship.changed', { userIds: [viewerId, userId] });
    return friendship;
  }

  private blockOnce(viewerId: string, userId: string): Promise<Friendship> {
    const mine = { userId: viewerId, otherUserId: userId };
    return this.prisma.$transaction(async (tx) => {
      await deleteLinks(tx, viewerId, userId);
      // Whatever is left of the viewer's row is an earlier block: keep it as it is.
      return tx.friendship.upsert({
        where: { userId_otherUserId: mine },
        create: { ...mine, status: 'BLOCKED' },
        update: {},
        select: friendshipColumns,
      });
    });
  }

  private async assertUserExists(userId: string): Promise<void> {
    const user = await this.prisma.user.findUnique({ where: { id: userId, deletedAt: null }, select: { id: true } });
    if (!user) throw new NotFoundError('User');
  }
}
