import { Readable } from 'node:stream';
import { create as contentDisposition } from 'content-disposition';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import type { Viewer } from '../../auth/authenticator';
import { Prisma, type PrismaClient } from '../../generated/prisma/client';
import type { RateLimits } from '../../server/rate-limits';
import type { FileStorage } from '../../storage/storage';
import { exportDocument } from './data-export.document';
import { exportLists, exportProfile } from './data-export.pages';
import type { DataExport } from './data-export.type';

const CONTENT_TYPE = 'application/json';
const SWEEP_BATCH = 100;

/** Where an export's bytes live: beside uploads' keys, in a folder of their own. */
export const exportKeyOf = (id: string) => `exports/${id.slice(-2)}/${id}.json`;

/** The text as UTF-8 bytes, counted into `tally` as they pass (a failure of the source fails the stream). */
async function* counted(source: AsyncIterable<string>, tally: { bytes: number }): AsyncGenerator<Buffer> {
  for await (const text of source) {
    const bytes = Buffer.from(text, 'utf8');
    tally.bytes += bytes.length;
    yield bytes;
  }
}

/**
 * GDPR's access: a JSON document of everything an account holds, streamed from keyset pages into the
 * file storage (nothing holds the whole document), behind a signed link that works for
 * EXPORT_URL_TTL; then the sweep removes it. One export per user per hour.
 */
export class DataExportService {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly storage: FileStorage,
    private readonly rateLimits: RateLimits,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {}

  async export(viewer: Viewer): Promise<DataExport> {
    await this.rateLimits.consume('dataExportsPerUser', viewer.userId);
    const id = uuidv7();
    const fileKey = exportKeyOf(id);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.ttlSeconds * 1000);
    // Recorded before any byte is written: whatever happens next, the sweep finds the file by this row.
    await this.prisma.exportFile.create({ data: { id, userId: viewer.userId, fileKey, createdAt: now, expiresAt } });
    try {
      const head = { format: 'parley-export/1', exportedAt: now, profile: await exportProfile(this.prisma, viewer.userId) };
      const tally = { bytes: 0 };
      const document = exportDocument(head, exportLists(this.prisma, viewer.userId));
      await this.storage.writeStream(fileKey, Readable.from(counted(document, tally)), CONTENT_TYPE);
      await this.prisma.exportFile.update({ where: { id }, data: { sizeBytes: tally.bytes } });
      const name = `parley-export-${now.toISOString().slice(0, 10)}.json`;
      const url = await this.storage.downloadUrl(fileKey, { contentType: CONTENT_TYPE, contentDisposition: contentDisposition(name), signedAt: now, expiresAt });
      return { url, expiresAt, sizeBytes: tally.bytes };
    } catch (error) {
      await this.prisma.exportFile.update({ where: { id }, data: { expiresAt: now } }).catch(() => {});
      throw error;
    }
  }

  /** Sweeps every `intervalSeconds` (a sweep still running is not started again). */
  start(intervalSeconds: number): void {
    this.timer = setInterval(() => {
      if (!this.sweeping) this.sweep().catch((error: unknown) => this.logger.warn({ err: error }, 'export sweep failed'));
    }, intervalSeconds * 1000);
    this.timer.unref();
  }

  /** Removes the exports expired as of `now`, bytes first, then rows; how many. Instances sweeping at once share the work. */
  sweep(now = new Date()): Promise<number> {
    return (this.sweeping ??= this.sweepAll(now).finally(() => (this.sweeping = undefined)));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping?.catch(() => {});
  }

  /** Removes every export of the user's at once (their account is deleted); their links stop working. */
  async removeAllOf(userId: string): Promise<number> {
    return this.removeWhere(Prisma.sql`"userId" = ${userId}`);
  }

  private async sweepAll(now: Date): Promise<number> {
    const removed = await this.removeWhere(Prisma.sql`"expiresAt" <= ${now}`);
    if (removed > 0) this.logger.info({ exports: removed }, 'removed expired exports');
    return removed;
  }

  private async removeWhere(condition: Prisma.Sql): Promise<number> {
    let removed = 0;
    for (;;) {
      const batch = await this.prisma.$transaction(async (tx) => {
        // Rows another instance is removing are locked, and skipped.
        const rows = await tx.$queryRaw<{ id: string; fileKey: string }[]>`
          SELECT "id", "fileKey" FROM "ExportFile" WHERE ${condition} ORDER BY "expiresAt" LIMIT ${SWEEP_BATCH} FOR UPDATE SKIP LOCKED`;
        await this.storage.delete(rows.map((row) => row.fileKey));
        await tx.exportFile.deleteMany({ where: { id: { in: rows.map((row) => row.id) } } });
        return rows.length;
      }, { timeout: 60_000 });
      removed += batch;
      if (batch < SWEEP_BATCH) return removed;
    }
  }
}
