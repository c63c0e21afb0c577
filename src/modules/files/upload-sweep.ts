import type { Logger } from 'pino';
import type { PrismaClient } from '../../generated/prisma/client';
import type { FileStorage } from '../../storage/storage';
import { REMOVAL_RETRY_MS, type UploadRemoval } from './upload-removal';
import { CHECK_LEASE_MS } from './upload.service';

/** An upload still PENDING, or READY and used by nothing, this long after it was made is removed. */
export const STALE_AFTER_MS = 24 * 3600 * 1000;
const BATCH = 100;

/**
 * Claims up to BATCH uploads to remove as of $1: stale PENDING ones ($2: made before; none being
 * checked since $3), READY ones made ready before $2 that no message and no user uses, and
 * removals left unfinished since $4. Rows another instance is claiming or using right now are
 * locked, and skipped (SKIP LOCKED): instances sweeping at once claim disjoint batches, and the
 * claim (deletingSince) keeps each upload from every other sweep and from being used from then on.
 */
const CLAIM_STALE = `
UPDATE "Upload" SET "deletingSince" = $1::timestamp(3)
WHERE "id" IN (
  SELECT u."id" FROM "Upload" u
  WHERE (u."deletingSince" IS NULL AND (u."checkingSince" IS NULL OR u."checkingSince" < $3::timestamp(3)) AND (
      (u."status" = 'PENDING' AND u."createdAt" < $2::timestamp(3))
      OR (u."status" = 'READY' AND u."readyAt" < $2::timestamp(3)
        AND NOT EXISTS (SELECT 1 FROM "Attachment" a WHERE a."uploadId" = u."id")
        AND NOT EXISTS (SELECT 1 FROM "User" o WHERE o."avatarUploadId" = u."id"))))
    OR u."deletingSince" < $4::timestamp(3)
  ORDER BY u."createdAt"
  LIMIT ${BATCH}
  FOR UPDATE OF u SKIP LOCKED)
RETURNING "id"`;

/**
 * The periodic clean-up of uploads nobody will use: safe with any number of instances (each
 * upload is claimed by one), and repeatable (an interrupted removal is claimed again later).
 */
export class UploadSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<string[]> | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly storage: FileStorage,
    private readonly removal: UploadRemoval,
    private readonly logger: Logger,
  ) {}

  /** Sweeps every `intervalSeconds` (a sweep still running is not started again). */
  start(intervalSeconds: number): void {
    this.timer = setInterval(() => {
      if (!this.running) this.sweep().catch((error: unknown) => this.logger.warn({ err: error }, 'upload sweep failed'));
    }, intervalSeconds * 1000);
    this.timer.unref();
  }

  /** Removes every upload stale as of `now`; the ids this instance removed. */
  sweep(now = new Date()): Promise<string[]> {
    const run = (this.running ??= this.sweepAll(now).finally(() => (this.running = undefined)));
    return run;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => {});
  }

  private async sweepAll(now: Date): Promise<string[]> {
    const removed: string[] = [];
    for (;;) {
      const claimed = await this.claim(now);
      removed.push(...(await this.removal.removeMarked(claimed)));
      if (claimed.length < BATCH) break;
    }
    const leftovers = await this.storage.removeLeftovers(new Date(now.getTime() - STALE_AFTER_MS));
    if (removed.length > 0 || leftovers > 0) this.logger.info({ uploads: removed.length, leftovers }, 'removed stale uploads');
    return removed;
  }

  private async claim(now: Date): Promise<string[]> {
    const at = (ms: number) => new Date(now.getTime() - ms);
    const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(CLAIM_STALE, now, at(STALE_AFTER_MS), at(CHECK_LEASE_MS), at(REMOVAL_RETRY_MS));
    const ids = rows.map((row) => row.id);
    if (ids.length === 0) return ids;
    // Used between the claim's snapshot and its lock (a send that committed in between): given back.
    await this.prisma.upload.updateMany({
      where: { id: { in: ids }, OR: [{ attachment: { isNot: null } }, { avatarOf: { isNot: null } }] },
      data: { deletingSince: null },
    });
    return ids;
  }
}
