import { Authenticator } from '../auth/authenticator';
import { PasswordHasher } from '../auth/passwords';
import { AccessTokens } from '../auth/tokens';
import type { Config } from '../config/config';
import type { PrismaClient } from '../generated/prisma/client';
import { AuthService } from '../modules/auth/auth.service';
import { SessionService } from '../modules/auth/session.service';
import { UserService } from '../modules/users/user.service';

/** Every service, built once per server and handed to resolvers through their constructors. */
export interface Services {
  authenticator: Authenticator;
  auth: AuthService;
  sessions: SessionService;
  users: UserService;
}

export function createServices(prisma: PrismaClient, config: Config): Services {
  const accessTokens = new AccessTokens(config.jwtSecret, config.accessTokenTtlSeconds);
  const sessions = new SessionService(prisma, accessTokens, config.refreshTokenTtlSeconds);
  return {
    authenticator: new Authenticator(prisma, accessTokens),
    auth: new AuthService(prisma, new PasswordHasher(config.bcryptCost), sessions),
    sessions,
    users: new UserService(prisma),
  };
}
