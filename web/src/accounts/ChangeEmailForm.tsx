import { useMutation } from '@apollo/client/react';
import { type FormEvent, useId, useState } from 'react';
import { describeError } from '../ui/errors';
import { problemProps } from '../ui/field-problem';
import { ChangeEmailMutation } from './accounts.operations';

/** A new address, confirmed with the current password: it starts unverified, and a link goes to it. */
export function ChangeEmailForm() {
  const ids = useId();
  const [changedTo, setChangedTo] = useState<string | null>(null);
  // The answer updates the account's User in the cache: the address and its status above change with it.
  const [change, { loading, error }] = useMutation(ChangeEmailMutation);
  const problem = error ? describeError(error) : null;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    setChangedTo(null);
    const { data } = await change({
      variables: { newEmail: String(values.get('newEmail') ?? '').trim(), currentPassword: String(values.get('currentPassword') ?? '') },
    }).catch(() => ({ data: undefined }));
    if (!data) return;
    form.reset();
    setChangedTo(data.changeEmail.email);
  };
  const errorId = `${ids}-error`;

  return (
    <section className="account-section" aria-labelledby={`${ids}-heading`}>
      <h3 id={`${ids}-heading`}>Change email</h3>
      <form onSubmit={submit} aria-labelledby={`${ids}-heading`}>
        <div className="field">
          <label htmlFor={`${ids}-email`}>New email</label>
          <input id={`${ids}-email`} name="newEmail" type="email" autoComplete="email" required {...problemProps(problem, 'newEmail', errorId)} />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-password`}>Current password</label>
          <input id={`${ids}-password`} name="currentPassword" type="password" autoComplete="current-password" required {...problemProps(problem, 'currentPassword', errorId)} />
        </div>
        <div aria-live="polite">
          {problem && (
            <p className="form-error" id={errorId}>
              {problem.message}
            </p>
          )}
          {changedTo && <p>Your address is now {changedTo}. We’ve sent a link to it: open it to verify the address.</p>}
        </div>
        <div className="account-actions">
          <button type="submit" className="button" disabled={loading}>
            {loading ? 'Changing…' : 'Change email'}
          </button>
        </div>
      </form>
    </section>
  );
}
