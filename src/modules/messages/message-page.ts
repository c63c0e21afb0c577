import type { GraphQLResolveInfo } from 'graphql';
import { selectedPaths } from '../../server/selection';
import type { HistoryWants } from './message-history.sql';

/** What of each message the operation selected, read with the page instead of field by field. */
export function historyWants(info: GraphQLResolveInfo): HistoryWants {
  const selected = selectedPaths(info);
  return {
    replyTo: selected.has('replyTo'),
    mentions: selected.has('mentions'),
    reactions: selected.has('reactions'),
    pinnedBy: selected.has('pinnedBy'),
  };
}
