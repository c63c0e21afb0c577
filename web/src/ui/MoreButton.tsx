import { NetworkStatus } from '@apollo/client';

/**
 * The next page of a list paged with cursors (relayStylePagination merges it in): shown while the
 * page says there is one, disabled while it loads.
 */
export function MoreButton({
  pageInfo,
  networkStatus,
  fetchMore,
  label,
}: {
  pageInfo: { hasNextPage: boolean; endCursor?: string | null } | undefined;
  networkStatus: NetworkStatus;
  fetchMore: (options: { variables: { after: string | null | undefined } }) => Promise<unknown>;
  label: string;
}) {
  if (!pageInfo?.hasNextPage) return null;
  const loading = networkStatus === NetworkStatus.fetchMore;
  return (
    <button type="button" className="button button-quiet more" disabled={loading} onClick={() => void fetchMore({ variables: { after: pageInfo.endCursor } })}>
      {loading ? 'Loading…' : label}
    </button>
  );
}
