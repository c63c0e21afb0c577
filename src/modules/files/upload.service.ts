import type { FilesConfig } from '../../config/config';
import { BadInputError, ConflictError, NotFoundError } from '../../errors/errors';
import type { PrismaClient } from '../../generated/prisma/client';
import type { RateLimits } from '../../server/rate-limits';
import type { FileStorage } from '../../storage/storage';
import { checkFile } from './file-check';
import { fileKeyOf, incomingKey, isUploadId, previewKeyOf } from './file-links';
import { cleanFileName } from './file-names';
import { ATTACHMENT_FAMILIES, AVATAR_FAMILIES, canonicalType, describeFamilies, familyOf, servedContentType } from './file-types';
import type { UploadRemoval } from './upload-removal';
import type { RequestUploadInput } from './upload.inputs';
import { toUpload, type Upload, uploadColumns, type UploadRecord, UploadPurpose, type UploadTicket } from './upload.type';

/** A check that has not ended after this long (its instance died) no longer holds the upload. */
export const CHECK_LEASE_MS = 2 * 60 * 1000;

const familiesFor = (purpose: UploadPurpose) => (purpose === UploadPurpose.AVATAR ? AVATAR_FAMILIES : ATTACHMENT_FAMILIES);

/** 26214400 → "25 MiB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Uploads: announced and checked against the limits before any byte moves, then checked again once stored. */
export class UploadService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly storage: FileStorage,
    private readonly limits: FilesConfig,
    private readonly rateLimits: RateLimits,
    private readonly removal: UploadRemoval,
  ) {}

  /** A PENDING upload and the one request that sends its bytes. */
  async request(viewerId: string, input: RequestUploadInput): Promise<UploadTicket> {
    const name = cleanFileName(input.name);
    const families = familiesFor(input.purpose);
    const mimeType = canonicalType(input.mimeType);
    if (!mimeType || !families.includes(familyOf(mimeType))) {
      const what = input.purpose === UploadPurpose.AVATAR ? 'An avatar' : 'An attachment';
      throw new BadInputError('mimeType', `${what} cannot be ${input.mimeType}; allowed: ${describeFamilies(families)}.`);
    }
    const max = input.purpose === UploadPurpose.AVATAR ? this.limits.avatarMaxBytes : this.limits.attachmentMaxBytes;
    if (input.sizeBytes > max) throw new BadInputError('sizeBytes', `${input.purpose === UploadPurpose.AVATAR ? 'Avatars' : 'Attachments'} may be at most ${formatBytes(max)}.`);
    await this.rateLimits.consume('uploadsPerUser', viewerId);
    const row = await this.prisma.$transaction(async (tx) => {
      // The owner's row lock makes concurrent requests count one after the other against the quota.
      await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${viewerId} FOR UPDATE`;
      const [{ used }] = await tx.$queryRaw<[{ used: number }]>`
        SELECT COALESCE(SUM("storedBytes"), 0)::float8 AS "used" FROM "Upload" WHERE "ownerId" = ${viewerId} AND "deletingSince" IS NULL`;
      if (used + input.sizeBytes > this.limits.quotaBytes) {
        throw new BadInputError('sizeBytes', `Your uploads take ${formatBytes(used)} of your ${formatBytes(this.limits.quotaBytes)}: this one does not fit. Delete messages with files to make room.`);
      }
      return tx.upload.create({
        data: { ownerId: viewerId, purpose: input.purpose, name, mimeType, sizeBytes: input.sizeBytes, storedBytes: input.sizeBytes },
        select: uploadColumns,
      });
    });
    const expiresAt = new Date(Date.now() + this.limits.uploadTicketTtlSeconds * 1000);
    const request = await this.storage.uploadRequest({ id: row.id, key: incomingKey(row.id), sizeBytes: row.sizeBytes, contentType: mimeType, expiresAt });
    return { upload: toUpload(row), ...request, expiresAt };
  }

  /** Checks the stored bytes and makes the upload READY; a refused file is removed with its upload. Again on a READY one: the same. */
  async complete(viewerId: string, uploadId: string): Promise<Upload> {
    const row = await this.owned(viewerId, uploadId);
    if (row.status === 'READY') return toUpload(row);
    const lapsed = new Date(Date.now() - CHECK_LEASE_MS);
    const claimed = await this.prisma.upload.updateMany({
      where: { id: uploadId, status: 'PENDING', deletingSince: null, OR: [{ checkingSince: null }, { checkingSince: { lt: lapsed } }] },
      data: { checkingSince: new Date() },
    });
    if (claimed.count === 0) {
      const now = await this.owned(viewerId, uploadId);
      if (now.status === 'READY') return toUpload(now);
      throw new ConflictError('This upload is being checked by another request; ask again in a moment.', 'uploadId');
    }
    try {
      return await this.check(row);
    } finally {
      await this.prisma.upload.updateMany({ where: { id: uploadId, status: 'PENDING' }, data: { checkingSince: null } });
    }
  }

  /** Whether the local driver may take a PUT for this upload: 'open' until its bytes arrived once. */
  async admits(uploadId: string): Promise<'open' | 'received' | 'gone'> {
    const row = await this.prisma.upload.findUnique({ where: { id: uploadId }, select: { status: true, receivedAt: true, deletingSince: true } });
    if (!row || row.deletingSince) return 'gone';
    return row.status === 'PENDING' && !row.receivedAt ? 'open' : 'received';
  }

  /** Records that the bytes arrived (the PUT is used up); false when the upload is gone or had them already. */
  async received(uploadId: string): Promise<boolean> {
    const marked = await this.prisma.upload.updateMany({ where: { id: uploadId, status: 'PENDING', receivedAt: null, deletingSince: null }, data: { receivedAt: new Date() } });
    return marked.count === 1;
  }

  private async owned(viewerId: string, uploadId: string): Promise<UploadRecord> {
    const row = isUploadId(uploadId)
      ? await this.prisma.upload.findFirst({ where: { id: uploadId, ownerId: viewerId, deletingSince: null }, select: uploadColumns })
      : null;
    if (!row) throw new NotFoundError('Upload');
    return row;
  }

  private async check(row: UploadRecord): Promise<Upload> {
    const incoming = incomingKey(row.id);
    const size = await this.storage.size(incoming);
    if (size === null) throw new BadInputError('uploadId', 'Its bytes have not arrived: send them as the ticket says, then call completeUpload.');
    if (size !== row.sizeBytes) return this.refuse(row, `The stored file has ${size} bytes, not the ${row.sizeBytes} announced.`);
    const bytes = await this.storage.read(incoming);
    if (!bytes || bytes.length !== row.sizeBytes) return this.refuse(row, `The stored file has ${bytes?.length ?? 0} bytes, not the ${row.sizeBytes} announced.`);
    const verdict = await checkFile(bytes, row.mimeType, familiesFor(row.purpose as UploadPurpose));
    if (!verdict.accepted) return this.refuse(row, verdict.reason);
    // The keys are recorded before anything is written under them, so that a removal finds every byte.
    const fileKey = fileKeyOf(row.id, verdict.mimeType);
    const previewKey = verdict.preview ? previewKeyOf(row.id) : null;
    await this.prisma.upload.update({ where: { id: row.id }, data: { fileKey, previewKey } });
    await this.storage.write(fileKey, verdict.file, servedContentType(verdict.mimeType));
    if (verdict.preview && previewKey) await this.storage.write(previewKey, verdict.preview, 'image/webp');
    const storedBytes = verdict.file.length + (verdict.preview?.length ?? 0);
    const ready = await this.prisma.upload.updateMany({
      where: { id: row.id, status: 'PENDING', deletingSince: null },
      data: { status: 'READY', mimeType: verdict.mimeType, sizeBytes: verdict.file.length, storedBytes, width: verdict.width, height: verdict.height, readyAt: new Date(), checkingSince: null },
    });
    // Removed meanwhile (its removal knows every key): the upload is gone.
    if (ready.count === 0) throw new NotFoundError('Upload');
    await this.storage.delete([incoming]);
    return toUpload(await this.prisma.upload.findUniqueOrThrow({ where: { id: row.id }, select: uploadColumns }));
  }

  /** A file that failed a check never becomes READY: its bytes and its upload go, and the client starts again. */
  private async refuse(row: UploadRecord, reason: string): Promise<never> {
    await this.removal.remove([row.id]);
    throw new BadInputError('uploadId', `${reason} The file was discarded: upload it again.`);
  }
}
