import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Viewer } from '../../auth/authenticator';
import { CurrentUser } from '../../auth/auth-checker';
import type { Context } from '../../server/context';
import { LogInInput, SignUpInput } from './auth.inputs';
import type { AuthService } from './auth.service';
import { AuthPayload, Session } from './auth.type';
import type { SessionService } from './session.service';

@Resolver()
export class AuthResolver {
  constructor(
    private readonly authService: AuthService,
    private readonly sessionService: SessionService,
  ) {}

  @Mutation(() => AuthPayload)
  signUp(@Arg('input', () => SignUpInput) input: SignUpInput, @Ctx() context: Context): Promise<AuthPayload> {
    return this.authService.signUp(input, { userAgent: context.userAgent, address: context.clientAddress });
  }

  @Mutation(() => AuthPayload)
  logIn(@Arg('input', () => LogInInput) input: LogInInput, @Ctx() context: Context): Promise<AuthPayload> {
    return this.authService.logIn(input, { userAgent: context.userAgent, address: context.clientAddress });
  }

  @Mutation(() => AuthPayload, {
    description: 'Rotates the refresh token: the old one stops working. Presenting an already-rotated token revokes the whole session.',
  })
  refreshSession(@Arg('refreshToken', () => String) refreshToken: string): Promise<AuthPayload> {
    return this.sessionService.refresh(refreshToken);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Revokes the session that the refresh token belongs to.' })
  logOut(@Arg('refreshToken', () => String) refreshToken: string, @CurrentUser() viewer: Viewer): Promise<boolean> {
    return this.sessionService.logOut(viewer, refreshToken);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Revokes every session of the viewer.' })
  logOutEverywhere(@CurrentUser() viewer: Viewer): Promise<boolean> {
    return this.sessionService.logOutEverywhere(viewer);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Revokes every other session of the viewer.' })
  changePassword(
    @Arg('currentPassword', () => String) currentPassword: string,
    @Arg('newPassword', () => String) newPassword: string,
    @CurrentUser() viewer: Viewer,
  ): Promise<boolean> {
    return this.authService.changePassword(viewer, currentPassword, newPassword);
  }

  @Authorized()
  @Query(() => [Session])
  sessions(@CurrentUser() viewer: Viewer): Promise<Session[]> {
    return this.sessionService.list(viewer);
  }
}
