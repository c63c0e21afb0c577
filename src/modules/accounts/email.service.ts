import { isEmail } from 'class-validator';
import type { Viewer } from '../../auth/authenticator';
import type { PasswordHasher } from '../../auth/passwords';
import { isUniqueViolation } from '../../db/errors';
import { BadInputError, ConflictError, UnauthenticatedError } from '../../errors/errors';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import type { RateLimits } from '../../server/rate-limits';
import { toUser, type User, userColumns } from '../users/user.type';
import type { AccountMail } from './account-mail';
import type { AccountTokens } from './account-tokens';

export const EMAIL_MAX = 254;

/** An address as sign-up takes it (trimmed, at most 254 characters, valid), or BAD_USER_INPUT on `field`. */
export function checkedEmail(email: string, field: string): string {
  const trimmed = email.trim();
  if (trimmed.length > EMAIL_MAX) throw new BadInputError(field, `${field} must be at most ${EMAIL_MAX} characters`);
  if (!isEmail(trimmed)) throw new BadInputError(field, `${field} must be a valid email address`);
  return trimmed;
}

/** Checks the viewer's current password: BAD_USER_INPUT on `currentPassword` when it is wrong. */
export async function assertCurrentPassword(prisma: PrismaClient, passwords: PasswordHasher, userId: string, password: string) {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { username: true, email: true, emailKey: true, passwordHash: true } });
  if (!(await passwords.verify(password, user.passwordHash))) throw new BadInputError('currentPassword', 'The current password is wrong.');
  return user;
}

/** Proving an address (verification links) and moving the account to another one. */
export class EmailService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly passwords: PasswordHasher,
    private readonly tokens: AccountTokens,
    private readonly mail: AccountMail,
    private readonly rateLimits: RateLimits,
  ) {}

  /** Inside sign-up's transaction: the first verification link. The returned function mails it, once the transaction has committed. */
  async firstLink(tx: Prisma.TransactionClient, user: { id: string; username: string; email: string }): Promise<() => void> {
    const token = await this.tokens.issue(tx, user.id, 'VERIFY_EMAIL', user.email.toLowerCase(), { prune: false });
    return () => this.mail.verifyEmail(user.email, user.username, token);
  }

  /** Mails a new verification link; false (nothing sent) when the address is verified already. */
  async requestVerification(viewer: Viewer): Promise<boolean> {
    const user = await this.prisma.user.findUniqueOrThrow({ where: { id: viewer.userId }, select: { username: true, email: true, emailVerifiedAt: true } });
    if (user.emailVerifiedAt || !user.email) return false;
    await this.rateLimits.consume('accountEmailsPerUser', viewer.userId);
    const token = await this.tokens.issue(this.prisma, viewer.userId, 'VERIFY_EMAIL', user.email.toLowerCase());
    this.mail.verifyEmail(user.email, user.username, token);
    return true;
  }

  /** Marks the address the link was sent to as verified; the token proves it, no sign-in needed. */
  async verify(token: string): Promise<User> {
    const usable = await this.tokens.usable(token, 'VERIFY_EMAIL');
    const now = new Date();
    const row = await this.prisma.$transaction(async (tx) => {
      await this.tokens.claim(tx, usable.tokenHash, now);
      // Only while the account still has that address (a change of address withdraws its links, too).
      const verified = await tx.user.updateMany({ where: { id: usable.userId, emailKey: usable.emailKey, deletedAt: null }, data: { emailVerifiedAt: now } });
      if (verified.count === 0) throw new BadInputError('token', 'This link was for an address the account no longer has: ask for a new one.');
      return tx.user.findUniqueOrThrow({ where: { id: usable.userId }, select: userColumns });
    });
    return toUser(row, row.id);
  }

  /**
   * Moves the account to `newEmail` (unique ignoring case, as at sign-up), unverified: the new
   * address gets a verification link, the old one a notice. Links sent to the old address stop working.
   */
  async change(viewer: Viewer, newEmail: string, currentPassword: string): Promise<User> {
    const email = checkedEmail(newEmail, 'newEmail');
    const emailKey = email.toLowerCase();
    const current = await assertCurrentPassword(this.prisma, this.passwords, viewer.userId, currentPassword);
    if (current.emailKey === emailKey) throw new BadInputError('newEmail', 'This is already the address of your account.');
    await this.assertAvailable(emailKey);
    await this.rateLimits.consume('accountEmailsPerUser', viewer.userId);
    let changed: { row: Parameters<typeof toUser>[0]; token: string };
    try {
      changed = await this.prisma.$transaction(async (tx) => {
        // Not on an account deleted since the password was checked.
        const moved = await tx.user.updateMany({ where: { id: viewer.userId, deletedAt: null }, data: { email, emailKey, emailVerifiedAt: null } });
        if (moved.count === 0) throw new UnauthenticatedError('This session has ended; sign in again.');
        const row = await tx.user.findUniqueOrThrow({ where: { id: viewer.userId }, select: userColumns });
        await this.tokens.withdraw(tx, viewer.userId, ['VERIFY_EMAIL', 'RESET_PASSWORD']);
        return { row, token: await this.tokens.issue(tx, viewer.userId, 'VERIFY_EMAIL', emailKey) };
      });
    } catch (error) {
      // Someone took the address between the check and the update.
      if (isUniqueViolation(error)) await this.assertAvailable(emailKey);
      throw error;
    }
    this.mail.verifyEmail(email, current.username, changed.token);
    if (current.email) this.mail.emailChanged(current.email, current.username, email);
    return toUser(changed.row, viewer.userId);
  }

  private async assertAvailable(emailKey: string): Promise<void> {
    const taken = await this.prisma.user.findUnique({ where: { emailKey }, select: { id: true } });
    if (taken) throw new ConflictError('An account with that email already exists.', 'newEmail');
  }
}
