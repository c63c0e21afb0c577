import { formatSize } from '../ui/file-size';
import { FileIcon } from '../ui/icons';
import type { UploadPhase } from './file-upload';
import type { FileUploads, PickedFile } from './useFileUploads';

const PHASE_LABEL: Record<UploadPhase, string> = {
  requesting: 'Preparing…',
  sending: 'Uploading',
  checking: 'Checking…',
  ready: 'Ready',
  failed: 'Not uploaded',
};

/** The files of the message being written, above the text field: each with its progress, or why it failed. */
export function UploadTray({ uploads }: { uploads: FileUploads }) {
  if (uploads.files.length === 0) return null;
  return (
    <ul className="upload-tray" aria-label="Files to send">
      {uploads.files.map((file) => (
        <UploadItem key={file.key} file={file} onRemove={() => uploads.remove(file.key)} onRetry={() => uploads.retry(file.key)} />
      ))}
    </ul>
  );
}

function UploadItem({ file, onRemove, onRetry }: { file: PickedFile; onRemove: () => void; onRetry: () => void }) {
  const busy = file.phase !== 'ready' && file.phase !== 'failed';
  const status = file.phase === 'sending' ? `${PHASE_LABEL.sending} ${Math.round(file.progress * 100)}%` : PHASE_LABEL[file.phase];
  return (
    <li className={`upload upload-${file.phase}`} data-phase={file.phase}>
      {file.previewUrl ? <img className="upload-thumb" src={file.previewUrl} alt="" /> : <span className="upload-thumb upload-icon"><FileIcon /></span>}
      <span className="upload-text">
        <span className="upload-name">{file.name}</span>
        <span className="upload-status">
          {formatSize(file.sizeBytes)} · {status}
        </span>
        {busy && (
          // Indeterminate while Parley prepares or checks; the share sent while the bytes go.
          <progress max={1} value={file.phase === 'sending' ? file.progress : undefined} aria-label={`Uploading ${file.name}`} />
        )}
        {file.error && (
          <span className="form-error" role="alert">
            {file.error.message}
          </span>
        )}
      </span>
      {file.error?.retryable && (
        <button type="button" className="button button-small" onClick={onRetry} aria-label={`Retry uploading ${file.name}`}>
          Retry
        </button>
      )}
      <button type="button" className="button button-small button-quiet" onClick={onRemove} aria-label={`Remove ${file.name}`}>
        ✕
      </button>
    </li>
  );
}
