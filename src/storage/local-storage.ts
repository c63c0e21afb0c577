import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LinkSignatures, unexpired } from './link-signatures';
import type { DownloadOptions, FileStorage, UploadRequest } from './storage';

/** Keys as the files module makes them: `<kind>/<shard>/<uuid>[.ext]`; nothing else reaches the disk. */
const KEY = /^[a-z]+\/[0-9a-f]{2}\/[0-9a-f-]{36}(\.[a-z0-9]{1,5})?$/;
const PART_SUFFIX = '.part';

type Query = Record<string, string | undefined>;

/** What a verified download link serves. */
export interface DownloadLink {
  contentType: string;
  contentDisposition: string;
  expiresAt: number;
}

/** The bytes of a PUT were fewer or more than its Content-Length said. */
export class IncompleteUploadError extends Error {}

/**
 * Files on the local disk under DATA_DIR/files. Parley serves them itself (see files.routes.ts):
 * uploads are PUTs to signed, expiring links, streamed to a part file and linked into place only
 * when complete, so a key holds either nothing or all of one request's bytes; downloads are signed,
 * expiring GETs.
 */
export class LocalStorage implements FileStorage {
  readonly driver = 'local';
  private readonly signatures: LinkSignatures;

  constructor(
    readonly root: string,
    secret: Uint8Array,
    private readonly publicUrl: () => string,
  ) {
    this.signatures = new LinkSignatures(secret);
  }

  async linkOrigin(): Promise<string> {
    return new URL(this.publicUrl()).origin;
  }

  async uploadRequest(upload: { id: string; sizeBytes: number; contentType: string; expiresAt: Date }): Promise<UploadRequest> {
    const expires = String(Math.floor(upload.expiresAt.getTime() / 1000));
    const size = String(upload.sizeBytes);
    const signature = this.signatures.sign(['PUT', upload.id, size, expires]);
    const query = new URLSearchParams({ size, expires, signature });
    return {
      method: 'PUT',
      url: `${this.publicUrl()}/files/upload/${encodeURIComponent(upload.id)}?${query}`,
      headers: [
        { name: 'Content-Type', value: upload.contentType },
        { name: 'Content-Length', value: size },
      ],
    };
  }

  /** The size an upload link allows, when its signature holds and it has not expired. */
  verifyUpload(uploadId: string, query: Query): number | undefined {
    const expires = unexpired(query.expires);
    const size = query.size;
    if (expires === undefined || !size || !/^\d{1,10}$/.test(size)) return undefined;
    return this.signatures.verify(['PUT', uploadId, size, String(expires)], query.signature) ? Number(size) : undefined;
  }

  /**
   * Streams exactly `sizeBytes` bytes to `key`. 'taken' when the key already holds a file (another
   * PUT stored its bytes first); IncompleteUploadError when the stream ends early or runs over.
   */
  async receive(key: string, body: Readable, sizeBytes: number): Promise<'stored' | 'taken'> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const part = `${path}.${randomUUID()}${PART_SUFFIX}`;
    try {
      let received = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          received += chunk.length;
          done(received > sizeBytes ? new IncompleteUploadError('more bytes than announced') : null, chunk);
        },
      });
      await pipeline(body, counter, createWriteStream(part, { flags: 'wx' }));
      if (received !== sizeBytes) throw new IncompleteUploadError(`${received} of ${sizeBytes} bytes arrived`);
      // A hard link fails if the key exists: of two complete PUTs, exactly one stores its bytes.
      await link(part, path);
      return 'stored';
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'taken';
      // The client went away mid-stream (a disk error is not the client's, and goes on as it is).
      if (body.readableAborted || (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') throw new IncompleteUploadError('the request ended early');
      throw error;
    } finally {
      await rm(part, { force: true });
    }
  }

  /** What a download link serves, when its signature holds and it has not expired. */
  verifyDownload(key: string, query: Query): DownloadLink | undefined {
    const expires = unexpired(query.expires);
    const { type, disposition } = query;
    if (expires === undefined || !type || !disposition || !KEY.test(key)) return undefined;
    if (!this.signatures.verify(['GET', key, type, disposition, String(expires)], query.signature)) return undefined;
    return { contentType: type, contentDisposition: disposition, expiresAt: expires * 1000 };
  }

  async downloadUrl(key: string, options: DownloadOptions): Promise<string> {
    const expires = String(Math.floor(options.expiresAt.getTime() / 1000));
    const signature = this.signatures.sign(['GET', this.checked(key), options.contentType, options.contentDisposition, expires]);
    const query = new URLSearchParams({ type: options.contentType, disposition: options.contentDisposition, expires, signature });
    return `${this.publicUrl()}/files/${key}?${query}`;
  }

  async size(key: string): Promise<number | null> {
    return ifPresent(stat(this.pathOf(key)).then((stats) => stats.size));
  }

  async read(key: string): Promise<Buffer | null> {
    return ifPresent(readFile(this.pathOf(key)));
  }

  /** Written beside its place and renamed over it: a reader sees the whole file or none. */
  async write(key: string, bytes: Buffer): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${randomUUID()}${PART_SUFFIX}`;
    try {
      await writeFile(temporary, bytes, { flag: 'wx' });
      await rename(temporary, path);
    } finally {
      await rm(temporary, { force: true });
    }
  }

  /** Streamed beside its place and renamed over it, as `write` does. */
  async writeStream(key: string, body: Readable): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${randomUUID()}${PART_SUFFIX}`;
    try {
      await pipeline(body, createWriteStream(temporary, { flags: 'wx' }));
      await rename(temporary, path);
    } finally {
      await rm(temporary, { force: true });
    }
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.pathOf(key), { force: true })));
  }

  /** Part files a crash left behind (a request cut off mid-stream removes its own), older than `before`. */
  async removeLeftovers(before: Date): Promise<number> {
    const names = await ifPresent(readdir(this.root, { recursive: true }));
    let removed = 0;
    for (const name of (names ?? []).filter((each) => each.endsWith(PART_SUFFIX))) {
      const path = join(this.root, name);
      const modified = await ifPresent(stat(path).then((stats) => stats.mtime));
      if (modified && modified < before) {
        await rm(path, { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  async close(): Promise<void> {}

  pathOf(key: string): string {
    return join(this.root, this.checked(key));
  }

  private checked(key: string): string {
    if (!KEY.test(key)) throw new Error(`not a storage key: ${JSON.stringify(key)}`);
    return key;
  }
}

/** The value, or null when the file (or folder) is not there. */
async function ifPresent<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
