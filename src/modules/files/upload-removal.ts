import type { Logger } from 'pino';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import type { FileStorage } from '../../storage/storage';
import { keysOf } from './file-links';

/** A removal interrupted (a crash, the storage unreachable) is retried by the sweep once this long has passed. */
export const REMOVAL_RETRY_MS = 10 * 60 * 1000;

/**
 * Marks uploads as on their way out, in the transaction that lets them go (the message deleted, the
 * avatar replaced): from its commit on, nothing may attach them or make them an avatar.
 */
export function markForRemoval(tx: Prisma.TransactionClient, uploadIds: string[], now = new Date()): Promise<unknown> {
  return uploadIds.length === 0 ? Promise.resolve() : tx.upload.updateMany({ where: { id: { in: uploadIds }, deletingSince: null }, data: { deletingSince: now } });
}

/**
 * Removes uploads marked for removal: their bytes first, then their rows, so that no row is gone
 * while its bytes remain. What fails is left marked, and the sweep tries again later.
 */
export class UploadRemoval {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly storage: FileStorage,
    private readonly logger: Logger,
  ) {}

  /** Removes the marked ones among `uploadIds`; the ids removed. */
  async removeMarked(uploadIds: string[]): Promise<string[]> {
    if (uploadIds.length === 0) return [];
    const marked = await this.prisma.upload.findMany({
      where: { id: { in: uploadIds }, deletingSince: { not: null } },
      select: { id: true, fileKey: true, previewKey: true },
    });
    await this.storage.delete(marked.flatMap(keysOf));
    const ids = marked.map((upload) => upload.id);
    await this.prisma.upload.deleteMany({ where: { id: { in: ids }, deletingSince: { not: null } } });
    return ids;
  }

  /** The same, after the write that let them go has committed: a failure is logged, never the caller's. */
  async removeAfterCommit(uploadIds: string[]): Promise<void> {
    try {
      await this.removeMarked(uploadIds);
    } catch (error) {
      this.logger.warn({ err: error, uploadIds }, 'removing uploads failed; the sweep will try again');
    }
  }

  /** Marks and removes uploads nothing uses (a refused check): their bytes and rows are gone when this returns. */
  async remove(uploadIds: string[]): Promise<void> {
    await markForRemoval(this.prisma, uploadIds);
    await this.removeMarked(uploadIds);
  }
}
