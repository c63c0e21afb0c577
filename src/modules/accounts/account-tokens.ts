import { hashSecretToken, newSecretToken } from '../../auth/tokens';
import { BadInputError } from '../../errors/errors';
import type { AccountTokenPurpose, Prisma, PrismaClient } from '../../generated/prisma/client';

/** How long each kind of link works. */
export const TOKEN_LIFETIME_MS: Record<AccountTokenPurpose, number> = {
  VERIFY_EMAIL: 24 * 3600 * 1000,
  RESET_PASSWORD: 3600 * 1000,
};

/** A token that can still be used: whose it is, and the address it was sent to. */
export interface UsableToken {
  tokenHash: string;
  userId: string;
  emailKey: string;
}

/**
 * The tokens of emailed links: random (256 bits), stored only as their SHA-256, single-use and
 * expiring. Each refusal says why (unknown, used, expired), as BAD_USER_INPUT on `token`.
 */
export class AccountTokens {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * A new token for `userId`, sent to `emailKey`; the user's expired tokens of that purpose are
   * dropped on the way (`prune: false` for a new account, which has none).
   */
  async issue(db: Prisma.TransactionClient, userId: string, purpose: AccountTokenPurpose, emailKey: string, options: { prune?: boolean } = {}): Promise<string> {
    const { token, hash } = newSecretToken();
    const now = new Date();
    if (options.prune !== false) await db.accountToken.deleteMany({ where: { userId, purpose, expiresAt: { lt: now } } });
    await db.accountToken.create({
      data: { tokenHash: hash, userId, purpose, emailKey, createdAt: now, expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]) },
    });
    return token;
  }

  /** The token's row if it can be used now; otherwise BAD_USER_INPUT on `token` saying why. Nothing is changed. */
  async usable(token: string, purpose: AccountTokenPurpose, now = new Date()): Promise<UsableToken> {
    const row = await this.prisma.accountToken.findUnique({
      where: { tokenHash: hashSecretToken(token) },
      select: { tokenHash: true, userId: true, emailKey: true, purpose: true, expiresAt: true, usedAt: true },
    });
    if (!row || row.purpose !== purpose) throw new BadInputError('token', 'This link is not valid (or no longer valid): ask for a new one.');
    if (row.usedAt) throw usedError();
    if (row.expiresAt <= now) throw new BadInputError('token', 'This link has expired: ask for a new one.');
    return { tokenHash: row.tokenHash, userId: row.userId, emailKey: row.emailKey };
  }

  /** Marks the token used inside `tx`; of two uses at once, the second finds it used and is refused. */
  async claim(tx: Prisma.TransactionClient, tokenHash: string, now = new Date()): Promise<void> {
    const claimed = await tx.accountToken.updateMany({ where: { tokenHash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (claimed.count === 0) throw usedError();
  }

  /** Makes every unused token of the user's of these purposes stop working (a new address, a new password). */
  async withdraw(tx: Prisma.TransactionClient, userId: string, purposes: AccountTokenPurpose[]): Promise<void> {
    await tx.accountToken.deleteMany({ where: { userId, purpose: { in: purposes }, usedAt: null } });
  }
}

function usedError(): BadInputError {
  return new BadInputError('token', 'This link was already used: ask for a new one.');
}
