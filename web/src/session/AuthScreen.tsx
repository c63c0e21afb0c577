import { type FormEvent, useId, useState, useSyncExternalStore } from 'react';
import { FORGOT_PASSWORD_PATH } from '../accounts/account-links';
import { describeError, type Problem } from '../ui/errors';
import { problemProps } from '../ui/field-problem';
import { AuthCard } from './AuthCard';
import { NEW_PASSWORD_MIN_LENGTH, NEW_PASSWORD_RULES } from './password-rules';
import type { Session, SessionEnd } from './session';

type Mode = 'log-in' | 'sign-up';

const ENDED: Partial<Record<SessionEnd, string>> = {
  expired: 'Your session ended. Please log in again.',
  deleted: 'Your account was deleted.',
};

/** Log in or sign up; says why when the previous session ended. */
export function AuthScreen({ session }: { session: Session }) {
  // The reason may change while this shows: a deletion's answer can come after its refused refresh.
  const ended = useSyncExternalStore(session.subscribe, () => session.ended);
  const [mode, setMode] = useState<Mode>('log-in');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = useId();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '');
    setBusy(true);
    setProblem(null);
    try {
      if (mode === 'log-in') await session.logIn({ login: value('login').trim(), password: value('password') });
      else {
        const displayName = value('displayName').trim();
        await session.signUp({ username: value('username').trim(), email: value('email').trim(), password: value('password'), displayName: displayName || null });
      }
    } catch (error) {
      setProblem(describeError(error));
      setBusy(false);
    }
  };
  const switchTo = (next: Mode) => {
    setMode(next);
    setProblem(null);
  };
  const errorId = `${ids}-error`;
  const fieldProps = (name: string) => ({ id: `${ids}-${name}`, name, ...problemProps(problem, name, errorId) });

  const endedNotice = ended && ENDED[ended];
  return (
    <AuthCard>
      {endedNotice && <p className="notice">{endedNotice}</p>}
      <div className="segmented" role="group" aria-label="Account">
        <button type="button" aria-pressed={mode === 'log-in'} onClick={() => switchTo('log-in')}>
          Log in
        </button>
        <button type="button" aria-pressed={mode === 'sign-up'} onClick={() => switchTo('sign-up')}>
          Sign up
        </button>
      </div>
      <form onSubmit={submit} aria-label={mode === 'log-in' ? 'Log in' : 'Sign up'}>
        {mode === 'log-in' ? (
          <div className="field">
            <label htmlFor={`${ids}-login`}>Username or email</label>
            <input {...fieldProps('login')} autoComplete="username" required autoFocus />
          </div>
        ) : (
          <>
            <div className="field">
              <label htmlFor={`${ids}-username`}>Username</label>
              <input {...fieldProps('username')} autoComplete="username" required minLength={3} maxLength={32} pattern="[A-Za-z0-9_.]+" autoFocus />
              <small>3-32 letters, digits, _ and .</small>
            </div>
            <div className="field">
              <label htmlFor={`${ids}-displayName`}>Name (optional)</label>
              <input {...fieldProps('displayName')} autoComplete="name" maxLength={64} />
            </div>
            <div className="field">
              <label htmlFor={`${ids}-email`}>Email</label>
              <input {...fieldProps('email')} type="email" autoComplete="email" required />
            </div>
          </>
        )}
        <div className="field">
          <label htmlFor={`${ids}-password`}>Password</label>
          <input
            {...fieldProps('password')}
            type="password"
            autoComplete={mode === 'log-in' ? 'current-password' : 'new-password'}
            required
            minLength={mode === 'sign-up' ? NEW_PASSWORD_MIN_LENGTH : undefined}
          />
          {mode === 'sign-up' && <small>{NEW_PASSWORD_RULES}</small>}
          {mode === 'log-in' && (
            <a href={FORGOT_PASSWORD_PATH} className="field-link">
              Forgot password?
            </a>
          )}
        </div>
        {problem && (
          <p className="form-error" id={errorId} role="alert">
            {problem.message}
          </p>
        )}
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Please wait…' : mode === 'log-in' ? 'Log in' : 'Create account'}
        </button>
      </form>
    </AuthCard>
  );
}
