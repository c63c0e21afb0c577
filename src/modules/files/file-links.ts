import { create as contentDisposition } from 'content-disposition';
import type { FileStorage } from '../../storage/storage';
import { extensionOf, isShownInline, servedContentType, typeOfKey } from './file-types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUploadId(id: string): boolean {
  return UUID.test(id);
}

/** Keys are spread over 256 folders by the id's last two (random) hex digits. */
const shard = (uploadId: string) => uploadId.slice(-2);

/** Where an upload's bytes arrive: never served, and replaced by the checked file once READY. */
export const incomingKey = (uploadId: string) => `incoming/${shard(uploadId)}/${uploadId}`;
/** The file served once READY; its extension says its type. */
export const fileKeyOf = (uploadId: string, mimeType: string) => `stored/${shard(uploadId)}/${uploadId}.${extensionOf(mimeType)}`;
export const previewKeyOf = (uploadId: string) => `previews/${shard(uploadId)}/${uploadId}.webp`;

/** Every key an upload may have bytes under. */
export function keysOf(upload: { id: string; fileKey: string | null; previewKey: string | null }): string[] {
  return [incomingKey(upload.id), upload.fileKey, upload.previewKey].filter((key): key is string => key !== null);
}

export interface LinkLifetimes {
  urlTtlSeconds: number;
  avatarUrlTtlSeconds: number;
}

/**
 * Signed links to stored files. A link works for its lifetime from the start of the current twelfth
 * of that lifetime (at least 55 minutes of a 1-hour link): every read within one twelfth gets the
 * same link, so browsers and clients can cache the file by its URL.
 */
export class FileLinks {
  constructor(
    private readonly storage: FileStorage,
    private readonly lifetimes: LinkLifetimes,
  ) {}

  /** An attachment's or an upload's file: shown in place (images, audio, video, PDF) or downloaded under its name. */
  file(key: string, name: string | null, kind: 'attachment' | 'avatar' = 'attachment', now = Date.now()): Promise<string> {
    const mimeType = typeOfKey(key);
    const disposition = contentDisposition(name ?? `file.${key.slice(key.lastIndexOf('.') + 1)}`, { type: isShownInline(mimeType) ? 'inline' : 'attachment' });
    const lifetime = kind === 'avatar' ? this.lifetimes.avatarUrlTtlSeconds : this.lifetimes.urlTtlSeconds;
    return this.storage.downloadUrl(key, { contentType: servedContentType(mimeType), contentDisposition: disposition, ...linkWindow(lifetime, now) });
  }

  preview(key: string, kind: 'attachment' | 'avatar' = 'attachment', now = Date.now()): Promise<string> {
    const lifetime = kind === 'avatar' ? this.lifetimes.avatarUrlTtlSeconds : this.lifetimes.urlTtlSeconds;
    return this.storage.downloadUrl(key, { contentType: 'image/webp', contentDisposition: 'inline', ...linkWindow(lifetime, now) });
  }
}

/** When a link made at `now` is signed and until when it works. */
export function linkWindow(lifetimeSeconds: number, now: number): { signedAt: Date; expiresAt: Date } {
  const step = Math.max(1, Math.floor(lifetimeSeconds / 12)) * 1000;
  const signedAt = Math.floor(now / step) * step;
  return { signedAt: new Date(signedAt), expiresAt: new Date(signedAt + lifetimeSeconds * 1000) };
}
