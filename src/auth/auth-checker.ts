import { type AuthChecker, createParameterDecorator } from 'type-graphql';
import { UnauthenticatedError } from '../errors/errors';
import type { Context } from '../server/context';
import type { Viewer } from './authenticator';

/** `@Authorized()` operations need a live session; the token is checked once per operation. */
export const authChecker: AuthChecker<Context> = async ({ context }) => {
  await requireViewer(context);
  return true;
};

export async function requireViewer(context: Context): Promise<Viewer> {
  const viewer = await context.viewer();
  if (!viewer) throw new UnauthenticatedError();
  return viewer;
}

/** The signed-in viewer, for operations that are `@Authorized()`. */
export function CurrentUser() {
  return createParameterDecorator<Context>(({ context }) => requireViewer(context));
}
