import { useEffect } from 'react';

/** A request to bring a message into view; `id` tells two requests for the same message apart. */
export interface ShowRequest {
  seq: number;
  id: number;
}

/** Older history is read in pages this big (Parley's largest) while a message further back is sought. */
const REACH_PAGE = 100;

interface History {
  /** The seqs of the stored messages held, oldest first. */
  seqs: number[];
  hasOlder: boolean;
  /** A page is being read already: wait for it. */
  loadingOlder: boolean;
  loadOlder: (count: number) => void;
}

export type Reach = 'idle' | 'loading' | 'shown' | 'missing';

/**
 * Brings the history back to a message (a search result, a quote's original): older pages are
 * read, each after the one before, until it is held; the history stays one unbroken run, live at
 * its end. 'missing' when the history starts after it (the viewer cleared it).
 */
export function useReachMessage(request: ShowRequest | null, history: History | null): Reach {
  const seqs = history?.seqs ?? [];
  const oldest = seqs[0];
  const held = request !== null && seqs.includes(request.seq);
  const settled = history !== null && !history.loadingOlder;
  // Nothing older to read, or the run already passed it: the message is not in this history.
  const missing = request !== null && settled && !held && (!history.hasOlder || (oldest !== undefined && oldest <= request.seq));
  const loadOlder = history?.loadOlder;

  useEffect(() => {
    if (!request || !loadOlder || !settled || held || missing) return;
    loadOlder(Math.min(REACH_PAGE, (oldest ?? request.seq) - request.seq + 10));
  }, [request, loadOlder, settled, held, missing, oldest]);

  if (!request || !history) return 'idle';
  if (held) return 'shown';
  return missing ? 'missing' : 'loading';
}
