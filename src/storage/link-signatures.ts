import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA-256 signatures of the local driver's links, with a key of their own derived from
 * JWT_SECRET (a link's signature says nothing about the token key). A link carries its expiry and
 * every value that decides what it does (the upload's size; the file's type and disposition), each
 * part of what is signed: changing any of them, or the key, breaks the signature.
 */
export class LinkSignatures {
  private readonly key: Buffer;

  constructor(secret: Uint8Array) {
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'parley file links v1', 32));
  }

  sign(parts: readonly string[]): string {
    // Each part is length-prefixed: no two lists of parts sign the same text.
    const hmac = createHmac('sha256', this.key);
    for (const part of parts) hmac.update(`${Buffer.byteLength(part)}:${part}\n`);
    return hmac.digest('base64url');
  }

  /** True when `signature` is the one of `parts` (compared in constant time). */
  verify(parts: readonly string[], signature: string | undefined): boolean {
    if (typeof signature !== 'string') return false;
    const expected = Buffer.from(this.sign(parts));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** An expiry in seconds since the epoch that is still ahead of `now`, or undefined. */
export function unexpired(expires: string | undefined, now = Date.now()): number | undefined {
  if (typeof expires !== 'string' || !/^\d{1,12}$/.test(expires)) return undefined;
  const seconds = Number(expires);
  return seconds * 1000 > now ? seconds : undefined;
}
