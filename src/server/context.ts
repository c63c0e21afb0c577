import type { FastifyBaseLogger } from 'fastify';
import type { Authenticator, Viewer } from '../auth/authenticator';
import type { PrismaClient } from '../generated/prisma/client';
import { createLoaders, type Loaders } from './loaders';

/** Created per operation (per HTTP request, per socket message); nothing in it outlives the operation. */
export interface Context {
  requestId: string;
  log: FastifyBaseLogger;
  userAgent: string | undefined;
  /** The signed-in viewer: the token and its session are checked on first use, then remembered. */
  viewer(): Promise<Viewer | null>;
  loaders: Loaders;
}

export interface ContextDependencies {
  authenticator: Authenticator;
  prisma: PrismaClient;
}

export function createContext(
  dependencies: ContextDependencies,
  request: { requestId: string; log: FastifyBaseLogger; authorization: string | undefined; userAgent: string | undefined },
): Context {
  let viewer: Promise<Viewer | null> | undefined;
  const getViewer = () => (viewer ??= dependencies.authenticator.authenticate(request.authorization));
  return {
    requestId: request.requestId,
    log: request.log,
    userAgent: request.userAgent,
    viewer: getViewer,
    loaders: createLoaders(dependencies.prisma, async () => (await getViewer().catch(() => null))?.userId ?? null),
  };
}
