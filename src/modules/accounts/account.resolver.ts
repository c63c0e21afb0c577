import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Viewer } from '../../auth/authenticator';
import { CurrentUser } from '../../auth/auth-checker';
import type { Context } from '../../server/context';
import { AuthPayload } from '../auth/auth.type';
import { User } from '../users/user.type';
import type { AccountDeletionService } from './account-deletion.service';
import type { DataExportService } from './data-export.service';
import { DataExport } from './data-export.type';
import type { EmailService } from './email.service';
import type { PasswordResetService } from './password-reset.service';

@Resolver()
export class AccountResolver {
  constructor(
    private readonly emails: EmailService,
    private readonly passwordResets: PasswordResetService,
    private readonly deletion: AccountDeletionService,
    private readonly exports: DataExportService,
  ) {}

  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Emails the viewer a link (and code) that verifies the address; the link works once, for 24 hours. False when the address is verified already (nothing is sent).',
  })
  requestEmailVerification(@CurrentUser() viewer: Viewer): Promise<boolean> {
    return this.emails.requestVerification(viewer);
  }

  @Mutation(() => User, { description: "Marks the address the link was sent to as verified; needs no sign-in (the token proves it) and returns the account as its owner sees it." })
  verifyEmail(@Arg('token', () => String) token: string): Promise<User> {
    return this.emails.verify(token);
  }

  @Mutation(() => Boolean, {
    description: 'Always true, whether or not an account has that email (no account discovery). Emails a link that works once, for 1 hour.',
  })
  requestPasswordReset(@Arg('email', () => String) email: string, @Ctx() context: Context): Promise<boolean> {
    return this.passwordResets.request(email, { address: context.clientAddress });
  }

  @Mutation(() => AuthPayload, { description: 'Sets the password, revokes every session, and signs in anew.' })
  resetPassword(
    @Arg('token', () => String) token: string,
    @Arg('newPassword', () => String) newPassword: string,
    @Ctx() context: Context,
  ): Promise<AuthPayload> {
    return this.passwordResets.reset(token, newPassword, { userAgent: context.userAgent });
  }

  @Authorized()
  @Mutation(() => User, {
    description: 'Needs the current password. The new address starts unverified (a verification email goes to it); the old address is told of the change.',
  })
  changeEmail(
    @Arg('newEmail', () => String) newEmail: string,
    @Arg('currentPassword', () => String) currentPassword: string,
    @CurrentUser() viewer: Viewer,
  ): Promise<User> {
    return this.emails.change(viewer, newEmail, currentPassword);
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: `Needs the current password. Revokes every session; frees the username and email; removes profile,
friendships and memberships (ownership of groups passes on as leaveChat does); the user shows
as deleted. Messages stay in others' history unless eraseMessages, which deletes them as
deleteMessage does.`,
  })
  deleteAccount(
    @Arg('currentPassword', () => String) currentPassword: string,
    @Arg('eraseMessages', () => Boolean, { nullable: true, defaultValue: false }) eraseMessages: boolean | null,
    @CurrentUser() viewer: Viewer,
  ): Promise<boolean> {
    return this.deletion.delete(viewer, currentPassword, eraseMessages === true);
  }

  @Authorized()
  @Mutation(() => DataExport, { description: 'At most one per hour. The link works for a day by default (the server sets it); then the file is removed.' })
  exportMyData(@CurrentUser() viewer: Viewer): Promise<DataExport> {
    return this.exports.export(viewer);
  }
}
