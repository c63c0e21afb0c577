import { type PasswordHasher, passwordProblem } from '../../auth/passwords';
import { BadInputError } from '../../errors/errors';
import type { PrismaClient } from '../../generated/prisma/client';
import type { BackgroundWork } from '../../server/background';
import type { RateLimits } from '../../server/rate-limits';
import type { AuthPayload } from '../auth/auth.type';
import type { SessionService } from '../auth/session.service';
import type { AccountMail } from './account-mail';
import type { AccountTokens } from './account-tokens';
import { checkedEmail } from './email.service';

/** Long enough for the answer to be written before the lookup takes the event loop (PGlite runs in it). */
const AFTER_THE_ANSWER_MS = 50;

/** Getting back into an account by a link mailed to its address. */
export class PasswordResetService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly tokens: AccountTokens,
    private readonly mail: AccountMail,
    private readonly rateLimits: RateLimits,
    private readonly background: BackgroundWork,
  ) {}

  /**
   * Always true (once the format and the rate limits pass), in the same time whether or not an
   * account has that address: the answer waits only for the rate limits, which count every address
   * alike; looking the address up, making the token and mailing it start once the answer is sent.
   */
  async request(email: string, client: { address: string }): Promise<boolean> {
    const emailKey = checkedEmail(email, 'email').toLowerCase();
    await this.rateLimits.consume('passwordResetsPerAddress', client.address);
    await this.rateLimits.consume('passwordResetsPerEmail', emailKey);
    this.background.run('password reset email', () => this.mailLink(emailKey), AFTER_THE_ANSWER_MS);
    return true;
  }

  /**
   * Sets the new password (sign-up's rules) with a link's token, which then stops working along with
   * every other reset link of the account; ends every session (their sockets close) and starts a new one.
   */
  async reset(token: string, newPassword: string, client: { userAgent: string | undefined }): Promise<AuthPayload> {
    const usable = await this.tokens.usable(token, 'RESET_PASSWORD');
    const user = await this.prisma.user.findUniqueOrThrow({
      where: { id: usable.userId },
      select: { username: true, emailKey: true, emailVerifiedAt: true },
    });
    const problem = passwordProblem(newPassword, user.username);
    if (problem) throw new BadInputError('newPassword', problem);
    const passwordHash = await this.passwords.hash(newPassword);
    const now = new Date();
    // The link reached the address: if it is still the account's, that proves it too.
    const proven = user.emailKey === usable.emailKey && !user.emailVerifiedAt ? { emailVerifiedAt: now } : {};
    const { payload, ended } = await this.prisma.$transaction(async (tx) => {
      await this.tokens.claim(tx, usable.tokenHash, now);
      await this.tokens.withdraw(tx, usable.userId, ['RESET_PASSWORD']);
      await tx.user.update({ where: { id: usable.userId }, data: { passwordHash, ...proven } });
      const ended = await this.sessions.endAllIn(tx, usable.userId);
      return { payload: await this.sessions.start(usable.userId, client.userAgent, tx), ended };
    });
    this.sessions.announce(ended);
    // A lockout after failed logins ends with the new password.
    await Promise.all([user.username, user.emailKey].flatMap((key) => (key ? [this.rateLimits.loginSucceeded(key.toLowerCase())] : [])));
    return payload;
  }

  private async mailLink(emailKey: string): Promise<void> {
    const user = await this.prisma.user.findUnique({ where: { emailKey }, select: { id: true, username: true, email: true, deletedAt: true } });
    if (!user?.email || user.deletedAt) return;
    const token = await this.tokens.issue(this.prisma, user.id, 'RESET_PASSWORD', emailKey);
    this.mail.resetPassword(user.email, user.username, token);
  }
}
