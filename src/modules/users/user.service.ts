import type { PrismaClient } from '../../generated/prisma/client';
import { NotFoundError } from '../../errors/errors';
import { type Connection, decodeCursor, encodeCursor, pageSize, toConnection } from '../../server/relay';
import { normalizeName } from '../../server/names';
import { likeLiteral } from '../../server/validation';
import type { UpdateProfileInput } from './user.inputs';
import { toUser, type User, userColumns } from './user.type';

const isUsernameCursor = (keys: unknown[]): keys is [string] => keys.length === 1 && typeof keys[0] === 'string';

/** Trimmed text, or null for blank; undefined (absent) stays undefined so the column is left alone. */
function cleanText(value: string | null | undefined, normalize: (text: string) => string = (text) => text.trim()): string | null | undefined {
  if (value === undefined || value === null) return value;
  const trimmed = normalize(value);
  return trimmed === '' ? null : trimmed;
}

export class UserService {
  constructor(private readonly prisma: PrismaClient) {}

  async byId(viewerId: string, id: string): Promise<User | null> {
    const row = await this.prisma.user.findUnique({ where: { id }, select: userColumns });
    return row && toUser(row, viewerId);
  }

  async byUsername(viewerId: string, username: string): Promise<User | null> {
    const row = await this.prisma.user.findUnique({ where: { usernameKey: username.toLowerCase() }, select: userColumns });
    return row && toUser(row, viewerId);
  }

  async me(viewerId: string): Promise<User> {
    const user = await this.byId(viewerId, viewerId);
    if (!user) throw new NotFoundError('User');
    return user;
  }

  /** Users whose username or display name contains `search`, ignoring case, in username order. */
  async search(
    viewerId: string,
    args: { search?: string | null; first?: number | null; after?: string | null },
  ): Promise<Connection<User>> {
    const size = pageSize(args.first, 'first', 20);
    const [afterKey] = args.after ? decodeCursor<[string]>(args.after, 'after', isUsernameCursor) : [];
    const text = args.search?.trim();
    const rows = await this.prisma.user.findMany({
      where: {
        ...(afterKey === undefined ? {} : { usernameKey: { gt: afterKey } }),
        ...(text
          ? {
              OR: [
                { usernameKey: { contains: likeLiteral(text.toLowerCase()) } },
                { displayName: { contains: likeLiteral(text), mode: 'insensitive' } },
              ],
            }
          : {}),
      },
      orderBy: { usernameKey: 'asc' },
      take: size + 1,
      select: { ...userColumns, usernameKey: true },
    });
    const page = rows.slice(0, size);
    return toConnection(
      page.map((row) => toUser(row, viewerId)),
      (user) => encodeCursor([user.username.toLowerCase()]),
      { hasNextPage: rows.length > size, hasPreviousPage: afterKey !== undefined },
    );
  }

  async updateProfile(viewerId: string, input: UpdateProfileInput): Promise<User> {
    const row = await this.prisma.user.update({
      where: { id: viewerId },
      data: {
        displayName: cleanText(input.displayName, normalizeName),
        bio: cleanText(input.bio),
        avatarUrl: cleanText(input.avatarUrl),
      },
      select: userColumns,
    });
    return toUser(row, viewerId);
  }
}
