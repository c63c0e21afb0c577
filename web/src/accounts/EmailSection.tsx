import { useMutation } from '@apollo/client/react';
import { useId, useState } from 'react';
import { describeError } from '../ui/errors';
import { AccountQuery, RequestEmailVerificationMutation } from './accounts.operations';

/** The account's address, whether it is verified, and a new verification link when it is not. */
export function EmailSection({ email, verified }: { email: string | null; verified: boolean }) {
  const headingId = useId();
  const [sent, setSent] = useState(false);
  const [resend, { loading, error }] = useMutation(RequestEmailVerificationMutation, {
    // False: verified meanwhile (another tab opened the link): the status is asked again.
    refetchQueries: ({ data }) => (data?.requestEmailVerification === false ? [AccountQuery] : []),
    onCompleted: (data) => setSent(data.requestEmailVerification),
  });

  return (
    <section className="account-section" aria-labelledby={headingId}>
      <h3 id={headingId}>Email</h3>
      <p className="account-email">
        <span data-testid="account-email">{email ?? 'No address'}</span>{' '}
        <span className={`status-tag ${verified ? 'status-ok' : 'status-pending'}`} data-testid="email-status">
          {verified ? 'Verified' : 'Not verified'}
        </span>
      </p>
      {!verified && (
        <>
          <p className="muted">Open the link we emailed to this address to confirm it is yours.</p>
          <div className="account-actions">
            <button type="button" className="button" disabled={loading} onClick={() => void resend().catch(() => {})}>
              {loading ? 'Sending…' : 'Resend verification email'}
            </button>
          </div>
        </>
      )}
      <div aria-live="polite">
        {sent && !verified && !loading && <p>We’ve sent a new link to {email}. It works for 24 hours.</p>}
        {error && !loading && <p className="form-error">{describeError(error).message}</p>}
      </div>
    </section>
  );
}
