import { type FormEvent, useId, useState } from 'react';
import { AuthCard } from '../session/AuthCard';
import { postOperation } from '../session/auth-api';
import { describeError, type Problem } from '../ui/errors';
import { problemProps } from '../ui/field-problem';
import { focusOnMount } from '../ui/focus';
import { RequestPasswordResetMutation } from './accounts.operations';

/**
 * `#/forgot-password`: asks Parley to mail a reset link. Parley answers the same whether or not an
 * account has the address, and so does this page: it never tells who has an account.
 */
export function ForgotPasswordScreen({ signedIn }: { signedIn: boolean }) {
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = useId();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get('email') ?? '').trim();
    setBusy(true);
    setProblem(null);
    try {
      await postOperation(RequestPasswordResetMutation, { email });
      setSentTo(email);
    } catch (error) {
      setProblem(describeError(error));
    }
    setBusy(false);
  };
  const back = (
    <a href="#/" className="field-link">
      {signedIn ? 'Back to Parley' : 'Back to log in'}
    </a>
  );

  if (sentTo !== null) {
    return (
      <AuthCard>
        <section className="account-page" aria-labelledby={`${ids}-heading`}>
          <h2 id={`${ids}-heading`} tabIndex={-1} ref={focusOnMount}>
            Check your email
          </h2>
          <p>
            If an account has this address ({sentTo}), we’ve sent a link to it. It works once, within an hour.
          </p>
          <p className="muted">Nothing there? Look in your spam folder, or check the address and ask again.</p>
          <button type="button" className="button" onClick={() => setSentTo(null)}>
            Ask again
          </button>
          {back}
        </section>
      </AuthCard>
    );
  }

  const errorId = `${ids}-error`;
  return (
    <AuthCard>
      <form onSubmit={submit} aria-labelledby={`${ids}-heading`} className="account-page">
        <h2 id={`${ids}-heading`}>Reset your password</h2>
        <p className="muted">Enter your account’s email address: we’ll send you a link to choose a new password.</p>
        <div className="field">
          <label htmlFor={`${ids}-email`}>Email</label>
          <input
            id={`${ids}-email`}
            name="email"
            type="email"
            autoComplete="email"
            required
            autoFocus
            {...problemProps(problem, 'email', errorId)}
          />
        </div>
        {problem && (
          <p className="form-error" id={errorId} role="alert">
            {problem.message}
          </p>
        )}
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Please wait…' : 'Send reset link'}
        </button>
        {back}
      </form>
    </AuthCard>
  );
}
