import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../config/config';
import type { DownloadOptions, FileStorage, UploadRequest } from './storage';

type Sdk = typeof import('@aws-sdk/client-s3');
/** Loaded with the first streamed write. */
let loadingLibStorage: Promise<typeof import('@aws-sdk/lib-storage')> | undefined;
type SignedUrl = (typeof import('@aws-sdk/s3-request-presigner'))['getSignedUrl'];

/** Whether an SDK error says the object is not there. */
function isMissing(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NotFound' || name === 'NoSuchKey' || $metadata?.httpStatusCode === 404;
}

/**
 * Files in an S3-compatible bucket. Clients send and fetch the bytes with presigned requests
 * straight to the bucket: a PUT whose signature covers its Content-Length and Content-Type, and
 * GETs whose signature covers the type, disposition and cache policy the bucket answers with.
 */
export class S3Storage implements FileStorage {
  readonly driver = 's3';

  private constructor(
    private readonly client: S3Client,
    /** Signs the links clients use: the same client, or one naming the endpoint as clients reach it. */
    private readonly presigner: S3Client,
    private readonly sdk: Sdk,
    private readonly signedUrl: SignedUrl,
    private readonly bucket: string,
  ) {}

  /** Loads the AWS SDK (only now: without S3_BUCKET it is never loaded) and makes a client. */
  static async connect(config: S3Config): Promise<S3Storage> {
    const [sdk, presigner] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/s3-request-presigner')]);
    const clientFor = (endpoint: string | undefined) =>
      new sdk.S3Client({
        region: config.region,
        endpoint,
        forcePathStyle: config.forcePathStyle,
        credentials: config.credentials,
        // The SDK would otherwise put a checksum of an empty body into presigned PUTs (and expect
        // checksums many S3-compatible servers do not send): checksums only where the API needs them.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
    const client = clientFor(config.endpoint);
    const signer = config.publicEndpoint ? clientFor(config.publicEndpoint) : client;
    return new S3Storage(client, signer, sdk, presigner.getSignedUrl, config.bucket);
  }

  /** Where the signer's links go (the bucket's own host, or the endpoint's with path-style), read off one of them. */
  async linkOrigin(): Promise<string> {
    const sample = await this.signedUrl(this.presigner, new this.sdk.GetObjectCommand({ Bucket: this.bucket, Key: 'origin' }), { expiresIn: 60 });
    return new URL(sample).origin;
  }

  async uploadRequest(upload: { key: string; sizeBytes: number; contentType: string; expiresAt: Date }): Promise<UploadRequest> {
    const command = new this.sdk.PutObjectCommand({ Bucket: this.bucket, Key: upload.key, ContentLength: upload.sizeBytes, ContentType: upload.contentType });
    const expiresIn = Math.max(1, Math.floor((upload.expiresAt.getTime() - Date.now()) / 1000));
    const url = await this.signedUrl(this.presigner, command, { expiresIn, signableHeaders: new Set(['content-type', 'content-length']) });
    return {
      method: 'PUT',
      url,
      headers: [
        { name: 'Content-Type', value: upload.contentType },
        { name: 'Content-Length', value: String(upload.sizeBytes) },
      ],
    };
  }

  async size(key: string): Promise<number | null> {
    try {
      const head = await this.client.send(new this.sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async read(key: string): Promise<Buffer | null> {
    try {
      const object = await this.client.send(new this.sdk.GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return object.Body ? Buffer.from(await object.Body.transformToByteArray()) : Buffer.alloc(0);
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async write(key: string, bytes: Buffer, contentType: string): Promise<void> {
    await this.client.send(new this.sdk.PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType, CacheControl: 'private' }));
  }

  /**
   * A multipart upload of what `body` streams (lib-storage): at most two 5 MiB parts in memory at
   * a time; S3 shows the object only once the upload completes, and aborts it on failure.
   */
  async writeStream(key: string, body: Readable, contentType: string): Promise<void> {
    const { Upload } = await (loadingLibStorage ??= import('@aws-sdk/lib-storage'));
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, CacheControl: 'private' },
      queueSize: 2,
      partSize: 5 * 1024 * 1024,
    });
    await upload.done();
  }

  async delete(keys: string[]): Promise<void> {
    // One request per key: DeleteObjects is not implemented by every S3-compatible server.
    await Promise.all(keys.map((key) => this.client.send(new this.sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: key }))));
  }

  async downloadUrl(key: string, options: DownloadOptions): Promise<string> {
    const lifetime = Math.floor((options.expiresAt.getTime() - options.signedAt.getTime()) / 1000);
    const command = new this.sdk.GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentType: options.contentType,
      ResponseContentDisposition: options.contentDisposition,
      ResponseCacheControl: `private, max-age=${lifetime}`,
    });
    return this.signedUrl(this.presigner, command, { expiresIn: lifetime, signingDate: options.signedAt });
  }

  /** A single PUT either stores a whole object or nothing: nothing is left behind. */
  async removeLeftovers(): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {
    this.client.destroy();
    this.presigner.destroy();
  }
}
