import { type FormEvent, useId, useState } from 'react';
import { AuthCard } from '../session/AuthCard';
import { NEW_PASSWORD_MIN_LENGTH, NEW_PASSWORD_RULES } from '../session/password-rules';
import type { Session } from '../session/session';
import { describeError, type Problem } from '../ui/errors';
import { problemProps } from '../ui/field-problem';
import { focusOnMount } from '../ui/focus';
import { FORGOT_PASSWORD_PATH, leaveAccountPage } from './account-links';

/**
 * `#/reset-password?token=…`, the link of a password reset email: a new password (sign-up's
 * rules), then signed in with the session Parley answers with, every other one ended. A link
 * that is spent, expired or unknown says so and leads to asking for a new one.
 */
export function ResetPasswordScreen({ token, session }: { token: string | null; session: Session }) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = useId();

  if (!token || problem?.field === 'token') {
    return (
      <AuthCard>
        <section className="account-page" aria-labelledby={`${ids}-heading`}>
          <h2 id={`${ids}-heading`} tabIndex={-1} ref={focusOnMount}>
            This link did not work
          </h2>
          <p className="form-error">
            {problem?.message ?? 'The link is incomplete: open it from the email again, or copy all of it into the address bar.'}
          </p>
          <a className="button button-primary" href={FORGOT_PASSWORD_PATH}>
            Ask for a new link
          </a>
        </section>
      </AuthCard>
    );
  }

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const newPassword = String(new FormData(event.currentTarget).get('newPassword') ?? '');
    setBusy(true);
    setProblem(null);
    try {
      await session.resetPassword(token, newPassword);
      leaveAccountPage();
    } catch (error) {
      setProblem(describeError(error));
      setBusy(false);
    }
  };
  const errorId = `${ids}-error`;

  return (
    <AuthCard>
      <form onSubmit={submit} aria-labelledby={`${ids}-heading`} className="account-page">
        <h2 id={`${ids}-heading`}>Choose a new password</h2>
        <p className="muted">It signs you in here, and out everywhere else.</p>
        <div className="field">
          <label htmlFor={`${ids}-password`}>New password</label>
          <input
            id={`${ids}-password`}
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={NEW_PASSWORD_MIN_LENGTH}
            autoFocus
            {...problemProps(problem, 'newPassword', errorId, `${ids}-rules`)}
          />
          <small id={`${ids}-rules`}>{NEW_PASSWORD_RULES}</small>
        </div>
        {problem && (
          <p className="form-error" id={errorId} role="alert">
            {problem.message}
          </p>
        )}
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Please wait…' : 'Set password and log in'}
        </button>
      </form>
    </AuthCard>
  );
}
