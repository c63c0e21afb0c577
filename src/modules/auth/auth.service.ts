import type { Viewer } from '../../auth/authenticator';
import { type PasswordHasher, passwordProblem } from '../../auth/passwords';
import { BadInputError, ConflictError, UnauthenticatedError } from '../../errors/errors';
import type { PrismaClient } from '../../generated/prisma/client';
import { isUniqueViolation } from '../../db/errors';
import { normalizeName } from '../../server/names';
import type { LogInInput, SignUpInput } from './auth.inputs';
import type { AuthPayload } from './auth.type';
import type { RateLimits } from '../../server/rate-limits';
import type { SessionService } from './session.service';
import type { EmailService } from '../accounts/email.service';

const WRONG_CREDENTIALS = 'Wrong login or password.';

/** Accounts: signing up (which mails the first verification link), logging in, changing the password. */
export class AuthService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly rateLimits: RateLimits,
    private readonly emails: Pick<EmailService, 'firstLink'>,
  ) {}

  async signUp(input: SignUpInput, client: { userAgent: string | undefined; address: string }): Promise<AuthPayload> {
    await this.rateLimits.consume('signUpsPerAddress', client.address);
    const problem = passwordProblem(input.password, input.username);
    if (problem) throw new BadInputError('password', problem);
    const email = input.email.trim();
    const keys = { usernameKey: input.username.toLowerCase(), emailKey: email.toLowerCase() };
    await this.assertAvailable(keys);
    const passwordHash = await this.passwords.hash(input.password);
    try {
      const { payload, mailLink } = await this.prisma.$transaction(async (tx) => {
        const user = await tx.user.create({
          data: { ...keys, username: input.username, email, passwordHash, displayName: (input.displayName && normalizeName(input.displayName)) || null },
          select: { id: true },
        });
        // The first verification email goes out by itself, once the account exists.
        const mailLink = await this.emails.firstLink(tx, { id: user.id, username: input.username, email });
        return { payload: await this.sessions.start(user.id, client.userAgent, tx), mailLink };
      });
      mailLink();
      return payload;
    } catch (error) {
      // Someone took the name or address between the check and the insert.
      if (isUniqueViolation(error)) await this.assertAvailable(keys);
      throw error;
    }
  }

  /**
   * A wrong login and a wrong password fail alike, after the same bcrypt work. Failures are
   * counted per account and per address; past the limit even the right password waits.
   */
  async logIn(input: LogInInput, client: { userAgent: string | undefined; address: string }): Promise<AuthPayload> {
    const key = input.login.trim().toLowerCase();
    await this.rateLimits.assertAllowed('loginFailuresPerAccount', key);
    await this.rateLimits.assertAllowed('loginFailuresPerAddress', client.address);
    const user = await this.prisma.user.findUnique({
      where: { ...(key.includes('@') ? { emailKey: key } : { usernameKey: key }), deletedAt: null },
      select: { id: true, passwordHash: true },
    });
    const valid = user
      ? await this.passwords.verify(input.password, user.passwordHash)
      : await this.passwords.verifyNothing(input.password);
    if (!user || !valid) {
      await this.rateLimits.loginFailed(key, client.address);
      throw new UnauthenticatedError(WRONG_CREDENTIALS);
    }
    await this.rateLimits.loginSucceeded(key);
    return this.sessions.start(user.id, client.userAgent);
  }

  /** Sets a new password and ends every other session of the viewer. */
  async changePassword(viewer: Viewer, currentPassword: string, newPassword: string): Promise<boolean> {
    const user = await this.prisma.user.findUniqueOrThrow({
      where: { id: viewer.userId },
      select: { username: true, passwordHash: true },
    });
    if (!(await this.passwords.verify(currentPassword, user.passwordHash))) {
      throw new BadInputError('currentPassword', 'The current password is wrong.');
    }
    const problem = passwordProblem(newPassword, user.username);
    if (problem) throw new BadInputError('newPassword', problem);
    if (newPassword === currentPassword) {
      throw new BadInputError('newPassword', 'The new password must differ from the current one.');
    }
    const passwordHash = await this.passwords.hash(newPassword);
    await this.prisma.user.update({ where: { id: viewer.userId }, data: { passwordHash } });
    await this.sessions.revokeOthers(viewer);
    return true;
  }

  private async assertAvailable(keys: { usernameKey: string; emailKey: string }): Promise<void> {
    const taken = await this.prisma.user.findFirst({
      where: { OR: [{ usernameKey: keys.usernameKey }, { emailKey: keys.emailKey }] },
      select: { usernameKey: true },
    });
    if (!taken) return;
    if (taken.usernameKey === keys.usernameKey) throw new ConflictError('That username is taken.', 'username');
    throw new ConflictError('An account with that email already exists.', 'email');
  }
}
