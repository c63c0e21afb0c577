import type { FastifyBaseLogger } from 'fastify';
import type { Authenticator, Viewer } from '../auth/authenticator';

/** Created per operation (per HTTP request, per socket message); nothing in it outlives the operation. */
export interface Context {
  requestId: string;
  log: FastifyBaseLogger;
  userAgent: string | undefined;
  /** The signed-in viewer: the token and its session are checked on first use, then remembered. */
  viewer(): Promise<Viewer | null>;
}

export function createContext(
  authenticator: Authenticator,
  request: { requestId: string; log: FastifyBaseLogger; authorization: string | undefined; userAgent: string | undefined },
): Context {
  let viewer: Promise<Viewer | null> | undefined;
  return {
    requestId: request.requestId,
    log: request.log,
    userAgent: request.userAgent,
    viewer: () => (viewer ??= authenticator.authenticate(request.authorization)),
  };
}
