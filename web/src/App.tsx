import { useSyncExternalStore } from 'react';
import { SignedIn } from './messenger/SignedIn';
import { AuthScreen } from './session/AuthScreen';
import type { Session } from './session/session';

/** Signed out: the sign-in screen. Signed in: the messenger, for as long as the session lasts. */
export function App({ session }: { session: Session }) {
  const tokens = useSyncExternalStore(session.subscribe, session.snapshot);
  if (!tokens) return <AuthScreen session={session} />;
  return <SignedIn key={tokens.user.id} session={session} user={tokens.user} />;
}
