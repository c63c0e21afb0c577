import { useSyncExternalStore } from 'react';
import { useAccountPage } from './accounts/account-links';
import { ForgotPasswordScreen } from './accounts/ForgotPasswordScreen';
import { ResetPasswordScreen } from './accounts/ResetPasswordScreen';
import { VerifyEmailScreen } from './accounts/VerifyEmailScreen';
import { SignedIn } from './messenger/SignedIn';
import { AuthScreen } from './session/AuthScreen';
import type { Session } from './session/session';

/**
 * The pages of emailed links (and asking for one), signed in or not; otherwise, signed out: the
 * sign-in screen; signed in: the messenger, for as long as the session lasts.
 */
export function App({ session }: { session: Session }) {
  const tokens = useSyncExternalStore(session.subscribe, session.snapshot);
  const accountPage = useAccountPage();
  if (accountPage?.page === 'verify-email') return <VerifyEmailScreen key={accountPage.token} token={accountPage.token} signedIn={tokens !== null} />;
  if (accountPage?.page === 'reset-password') return <ResetPasswordScreen key={accountPage.token} token={accountPage.token} session={session} />;
  if (accountPage?.page === 'forgot-password') return <ForgotPasswordScreen signedIn={tokens !== null} />;
  if (!tokens) return <AuthScreen session={session} />;
  return <SignedIn key={tokens.user.id} session={session} user={tokens.user} />;
}
