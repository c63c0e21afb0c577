import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import { BadInputError, NotFoundError } from '../../errors/errors';
import { markForRemoval, type UploadRemoval } from '../files/upload-removal';
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
  constructor(
    private readonly prisma: PrismaClient,
    private readonly uploadRemoval: UploadRemoval,
  ) {}

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
        // Deleted accounts are found by nobody.
        deletedAt: null,
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
    const texts = { displayName: cleanText(input.displayName, normalizeName), bio: cleanText(input.bio) };
    if (input.avatarUploadId == null && input.avatarUrl === undefined) {
      return toUser(await this.prisma.user.update({ where: { id: viewerId }, data: texts, select: userColumns }), viewerId);
    }
    if (input.avatarUploadId != null && input.avatarUrl != null) throw new BadInputError('avatarUploadId', 'Give avatarUrl or avatarUploadId, not both.');
    const { row, released } = await this.prisma.$transaction(async (tx) => {
      const [current] = await tx.$queryRaw<{ avatarUploadId: string | null }[]>`SELECT "avatarUploadId" FROM "User" WHERE "id" = ${viewerId} FOR UPDATE`;
      const avatar = input.avatarUploadId != null
        ? await usableAvatar(tx, viewerId, input.avatarUploadId)
        : { avatarUrl: cleanText(input.avatarUrl) ?? null, avatarUploadId: null, avatarKey: null };
      const replaced = current?.avatarUploadId && current.avatarUploadId !== avatar.avatarUploadId ? [current.avatarUploadId] : [];
      const updated = await tx.user.update({ where: { id: viewerId }, data: { ...texts, ...avatar }, select: userColumns });
      // The picture it replaces goes: an avatar upload is one picture, used once.
      await markForRemoval(tx, replaced);
      return { row: updated, released: replaced };
    });
    await this.uploadRemoval.removeAfterCommit(released);
    return toUser(row, viewerId);
  }
}

/** The avatar columns for the viewer's own READY AVATAR upload, locked until the transaction ends (a sweep skips it). */
async function usableAvatar(tx: Prisma.TransactionClient, viewerId: string, uploadId: string) {
  const [upload] = await tx.$queryRaw<{ id: string; ownerId: string; purpose: string; status: string; fileKey: string | null; deletingSince: Date | null }[]>`
    SELECT "id", "ownerId", "purpose"::text, "status"::text, "fileKey", "deletingSince" FROM "Upload" WHERE "id" = ${uploadId} FOR SHARE`;
  if (!upload || upload.ownerId !== viewerId || upload.deletingSince) throw new NotFoundError('Upload');
  if (upload.purpose !== 'AVATAR') throw new BadInputError('avatarUploadId', 'This upload is an attachment; request an upload with purpose AVATAR for a picture.');
  if (upload.status !== 'READY' || !upload.fileKey) throw new BadInputError('avatarUploadId', 'This upload is not READY yet: send its bytes, then call completeUpload.');
  return { avatarUrl: null, avatarUploadId: upload.id, avatarKey: upload.fileKey };
}
