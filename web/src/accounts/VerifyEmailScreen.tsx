import { useEffect, useState } from 'react';
import { AuthCard } from '../session/AuthCard';
import { ACCOUNT_PATH } from '../messenger/useRoute';
import { describeError, type Problem } from '../ui/errors';
import { focusOnMount } from '../ui/focus';
import { Loading } from '../ui/Status';
import { verifyEmailOnce } from './verify-email';

type State = { phase: 'verifying' } | { phase: 'verified'; email: string | null } | { phase: 'failed'; problem: Problem | null };

/**
 * `#/verify-email?token=…`, the link of a verification email: signed in or not (the token proves
 * the address), it verifies, then says so or why not, and leads on.
 */
export function VerifyEmailScreen({ token, signedIn }: { token: string | null; signedIn: boolean }) {
  const [state, setState] = useState<State>(token ? { phase: 'verifying' } : { phase: 'failed', problem: null });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!token) return;
    let current = true;
    verifyEmailOnce(token).then(
      (email) => current && setState({ phase: 'verified', email }),
      (error: unknown) => current && setState({ phase: 'failed', problem: describeError(error) }),
    );
    return () => {
      current = false;
    };
  }, [token, attempt]);

  const retry = () => {
    setState({ phase: 'verifying' });
    setAttempt((count) => count + 1);
  };

  return (
    <AuthCard>
      {state.phase === 'verifying' && <Loading label="Confirming your email address…" />}
      {state.phase === 'verified' && (
        <section className="account-page" aria-labelledby="verify-heading">
          <h2 id="verify-heading" tabIndex={-1} ref={focusOnMount}>
            Email address verified
          </h2>
          <p>{state.email ? `${state.email} is confirmed as the address of your account.` : 'Your address is confirmed.'}</p>
          <a className="button button-primary" href="#/">
            {signedIn ? 'Continue to Parley' : 'Log in'}
          </a>
        </section>
      )}
      {state.phase === 'failed' && (
        <section className="account-page" aria-labelledby="verify-heading">
          <h2 id="verify-heading" tabIndex={-1} ref={focusOnMount}>
            This link did not work
          </h2>
          <p className="form-error">
            {state.problem?.message ?? 'The link is incomplete: open it from the email again, or copy all of it into the address bar.'}
          </p>
          {state.problem?.retryable ? (
            <button type="button" className="button button-primary" onClick={retry}>
              Try again
            </button>
          ) : (
            <>
              <p>{signedIn ? 'Your account settings send a new link.' : 'Once you are logged in, your account settings send a new link.'}</p>
              <a className="button button-primary" href={ACCOUNT_PATH}>
                {signedIn ? 'Open account settings' : 'Log in'}
              </a>
            </>
          )}
        </section>
      )}
    </AuthCard>
  );
}
