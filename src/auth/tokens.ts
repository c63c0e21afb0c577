import { createHash, randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { UnauthenticatedError } from '../errors/errors';

const ISSUER = 'parley';
const AUDIENCE = 'parley-api';
const ALGORITHM = 'HS256';

export interface AccessClaims {
  userId: string;
  sessionId: string;
  expiresAt: Date;
}

/** Verified tokens remembered, so a client's every request does not pay for the signature again. */
const VERIFIED_TOKENS_KEPT = 10_000;

export class AccessTokens {
  /** Keyed by the whole token, signature included: only a token that verified can hit. */
  private readonly verified = new LRUCache<string, AccessClaims>({ max: VERIFIED_TOKENS_KEPT });

  constructor(
    private readonly secret: Uint8Array,
    private readonly ttlSeconds: number,
  ) {}

  async sign(userId: string, sessionId: string): Promise<{ token: string; expiresAt: Date }> {
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = issuedAt + this.ttlSeconds;
    const token = await new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.secret);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  /** Checks signature (HS256 only: no `none`, no algorithm confusion), issuer, audience and expiry. */
  async verify(token: string): Promise<AccessClaims> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expiresAt.getTime() > Date.now()) return known;
      this.verified.delete(token);
      throw new UnauthenticatedError('Access token expired; refresh the session.');
    }
    const claims = await this.check(token);
    this.verified.set(token, claims);
    return claims;
  }

  private async check(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'sid', 'iat', 'exp'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new errors.JWTClaimValidationFailed('malformed claims', payload);
      return { userId: payload.sub, sessionId: payload.sid, expiresAt: new Date(payload.exp! * 1000) };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new UnauthenticatedError('Access token expired; refresh the session.');
      throw new UnauthenticatedError('Invalid access token.');
    }
  }
}

/** An opaque random token (256 bits) and the hash that is stored in its place. */
export function newSecretToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSecretToken(token) };
}

export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Refresh tokens are opaque random strings; only their hash is stored. */
export const newRefreshToken = newSecretToken;
export const hashRefreshToken = hashSecretToken;
