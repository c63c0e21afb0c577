import { type FormEvent, useId, useRef, useState } from 'react';
import { useServices } from '../messenger/services';
import { describeError, type Problem } from '../ui/errors';
import { problemProps } from '../ui/field-problem';
import { useModalDialog } from '../ui/useModalDialog';

/**
 * A modal <dialog> (the browser keeps focus inside it, Escape closes it) that deletes the account
 * with the current password, the messages too if asked. Once Parley has deleted it, the session
 * ends here and in every tab, and the sign-in screen says why.
 */
export function DeleteAccountDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { session, outbox } = useServices();
  const dialog = useRef<HTMLDialogElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const ids = useId();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  useModalDialog(dialog, open);

  const close = () => {
    form.current?.reset();
    setProblem(null);
    onClose();
  };
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = new FormData(event.currentTarget);
    setBusy(true);
    setProblem(null);
    try {
      await session.deleteAccount(String(values.get('currentPassword') ?? ''), values.get('eraseMessages') === 'on');
      // Messages waiting to be sent have no author any more.
      outbox.clear();
    } catch (error) {
      setProblem(describeError(error));
      setBusy(false);
    }
  };
  const errorId = `${ids}-error`;

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={`${ids}-title`} aria-describedby={`${ids}-what`} onClose={close}>
      <form ref={form} onSubmit={submit}>
        <h2 id={`${ids}-title`}>Delete your account?</h2>
        <p id={`${ids}-what`} className="dialog-text">
          This cannot be undone. Your profile, friends, chats and files are removed, and you are logged out everywhere. The messages you wrote stay in
          others’ chats, from a deleted account, unless you erase them.
        </p>
        <div className="field">
          <label htmlFor={`${ids}-password`}>Current password</label>
          <input id={`${ids}-password`} name="currentPassword" type="password" autoComplete="current-password" required autoFocus {...problemProps(problem, 'currentPassword', errorId)} />
        </div>
        <label className="check">
          <input type="checkbox" name="eraseMessages" />
          Also erase my messages
        </label>
        {problem && (
          <p className="form-error" id={errorId} role="alert">
            {problem.message}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button button-quiet" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button button-danger" disabled={busy}>
            {busy ? 'Deleting…' : 'Delete my account'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
