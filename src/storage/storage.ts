import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Config } from '../config/config';
import { LocalStorage } from './local-storage';

export interface HttpHeader {
  name: string;
  value: string;
}

/** The one HTTP request that sends an upload's bytes. */
export interface UploadRequest {
  method: string;
  url: string;
  /** To be sent exactly as given. */
  headers: HttpHeader[];
}

/** How a stored file is served: its type, its Content-Disposition, and the window its link works in. */
export interface DownloadOptions {
  contentType: string;
  contentDisposition: string;
  signedAt: Date;
  expiresAt: Date;
}

/**
 * Where files' bytes are kept: the local disk under DATA_DIR (the default) or an S3-compatible
 * bucket (S3_BUCKET). Keys are paths made by the files module (`stored/ab/<id>.png`). The bytes never
 * pass through GraphQL: clients send them with `uploadRequest` and fetch them with `downloadUrl`.
 */
export interface FileStorage {
  readonly driver: 'local' | 's3';
  /** A request for exactly `sizeBytes` bytes of `contentType` under `key`, to be started before `expiresAt`. */
  uploadRequest(upload: { id: string; key: string; sizeBytes: number; contentType: string; expiresAt: Date }): Promise<UploadRequest>;
  /** The size of what is stored under `key`, or null when nothing is. */
  size(key: string): Promise<number | null>;
  /** What is stored under `key`, or null when nothing is. */
  read(key: string): Promise<Buffer | null>;
  write(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** Stores what `body` streams under `key`, holding only a bounded part of it in memory; readers see the whole file or none. */
  writeStream(key: string, body: Readable, contentType: string): Promise<void>;
  /** Removes what is stored under each key; a key with nothing under it is no error. */
  delete(keys: string[]): Promise<void>;
  /** A link that serves `key` as the options say, until `options.expiresAt`. */
  downloadUrl(key: string, options: DownloadOptions): Promise<string>;
  /** The origin its upload and download links point at: a web page must be allowed to reach it (CSP, CORS). */
  linkOrigin(): Promise<string>;
  /** Removes what interrupted writes left behind before `before`; how many. */
  removeLeftovers(before: Date): Promise<number>;
  close(): Promise<void>;
}

/**
 * The storage the configuration names. The local driver signs its links with a key derived from
 * JWT_SECRET and builds them on `publicUrl()`, known once the server listens. The S3 driver (and
 * the AWS SDK) is loaded only when S3_BUCKET is set.
 */
export async function createStorage(config: Config, publicUrl: () => string): Promise<FileStorage> {
  const s3 = config.files.s3;
  if (s3) {
    const { S3Storage } = await import('./s3-storage');
    return S3Storage.connect(s3);
  }
  return new LocalStorage(join(config.dataDir, 'files'), config.jwtSecret, publicUrl);
}
