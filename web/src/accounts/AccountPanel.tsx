import { useQuery } from '@apollo/client/react';
import { useId, useState } from 'react';
import { focusOnMount } from '../ui/focus';
import { ErrorNotice, Loading } from '../ui/Status';
import { AccountQuery } from './accounts.operations';
import { ChangeEmailForm } from './ChangeEmailForm';
import { type DataExport, DataExportSection } from './DataExportSection';
import { DeleteAccountDialog } from './DeleteAccountDialog';
import { EmailSection } from './EmailSection';

/**
 * `#/account`, the account's settings: its address and whether it is verified, a new address, an
 * export of its data, and deleting it. Asked afresh each time it opens (a link may have verified
 * the address in another tab).
 */
export function AccountPanel({ lastExport, onExported }: { lastExport: DataExport | null; onExported: (made: DataExport) => void }) {
  const headingId = useId();
  const account = useQuery(AccountQuery, { fetchPolicy: 'cache-and-network' });
  const [deleting, setDeleting] = useState(false);
  const me = account.data?.me;

  return (
    <section className="account-panel" aria-labelledby={headingId}>
      <header className="chat-header">
        <a href="#/" className="back button button-quiet" aria-label="Back to chats">
          ←
        </a>
        <h2 id={headingId} tabIndex={-1} ref={focusOnMount}>
          Account
        </h2>
      </header>
      <div className="account-sections">
        {!me && account.loading && <Loading label="Loading your account…" />}
        {!me && account.error && <ErrorNotice what="Loading your account" error={account.error} onRetry={() => void account.refetch()} />}
        {me && (
          <>
            <EmailSection email={me.email} verified={me.emailVerified === true} />
            <ChangeEmailForm />
            <DataExportSection lastExport={lastExport} onExported={onExported} />
            <section className="account-section" aria-labelledby={`${headingId}-delete`}>
              <h3 id={`${headingId}-delete`}>Delete account</h3>
              <p className="muted">Removes your profile, friends and chats, and logs you out everywhere.</p>
              <div className="account-actions">
                <button type="button" className="button button-danger" onClick={() => setDeleting(true)}>
                  Delete account…
                </button>
              </div>
              <DeleteAccountDialog open={deleting} onClose={() => setDeleting(false)} />
            </section>
          </>
        )}
      </div>
    </section>
  );
}
