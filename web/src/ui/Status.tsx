import type { ReactNode } from 'react';
import { describeError } from './errors';

export function Loading({ label }: { label: string }) {
  return (
    <div className="state" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function ErrorNotice({ error, onRetry, what }: { error: unknown; onRetry?: () => void; what: string }) {
  return (
    <div className="state state-error" role="alert">
      <p>
        {what} failed: {describeError(error).message}
      </p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}
