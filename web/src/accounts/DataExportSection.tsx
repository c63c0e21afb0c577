import { useMutation } from '@apollo/client/react';
import { useId } from 'react';
import type { ExportMyDataMutation as ExportResult } from '../gql/graphql';
import { describeError } from '../ui/errors';
import { formatSize } from '../ui/file-size';
import { dateTimeLabel } from '../ui/time';
import { useClock } from '../ui/useClock';
import { waitWords } from '../ui/wait';
import { ExportMyDataMutation } from './accounts.operations';

export type DataExport = ExportResult['exportMyData'];

/**
 * Everything the account holds, as one JSON file behind a link that works for a day. Parley makes
 * one an hour; the last one is kept by the signed-in app (`lastExport`), so that leaving this
 * panel does not lose its link.
 */
export function DataExportSection({ lastExport, onExported }: { lastExport: DataExport | null; onExported: (made: DataExport) => void }) {
  const ids = useId();
  const [exportData, { loading, error }] = useMutation(ExportMyDataMutation, { onCompleted: (data) => onExported(data.exportMyData) });
  const problem = error ? describeError(error) : null;
  const now = useClock(60_000);
  const usable = lastExport && Date.parse(lastExport.expiresAt) > now ? lastExport : null;

  return (
    <section className="account-section" aria-labelledby={`${ids}-heading`}>
      <h3 id={`${ids}-heading`}>Your data</h3>
      <p className="muted">One JSON file with your profile, sessions, friends, chats, the details of your uploads and every message you wrote. You can make one an hour.</p>
      <div className="account-actions">
        <button type="button" className="button" disabled={loading} onClick={() => void exportData().catch(() => {})}>
          {loading ? 'Preparing your data…' : 'Export my data'}
        </button>
      </div>
      <div aria-live="polite">
        {usable && !loading && (
          <p>
            <a href={usable.url} download>
              Download your data
            </a>{' '}
            <span className="muted">
              ({formatSize(usable.sizeBytes)}; the link works until {dateTimeLabel(usable.expiresAt)})
            </span>
          </p>
        )}
        {problem && !loading && (
          <p className="form-error">
            {problem.retryAfterSeconds !== null ? `You can export your data once an hour: try again ${waitWords(problem.retryAfterSeconds)}.` : problem.message}
          </p>
        )}
      </div>
    </section>
  );
}
