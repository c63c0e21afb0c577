import { Fragment, type ReactNode, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { dayLabel, sameDay } from '../ui/time';

/** Within this many pixels of the end, the list follows new messages. */
const BOTTOM_SLACK_PX = 48;

export interface ListEntry {
  key: string;
  createdAt: string;
  node: ReactNode;
}

interface MessageListProps {
  entries: ListEntry[];
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  onAtBottomChange: (atBottom: boolean) => void;
  /** A message to scroll to and focus (which marks it), once per request; its element carries data-seq. */
  focus: { seq: number; id: number } | null;
  /** Said above the history while a message is sought, or when it cannot be found. */
  notice: string | null;
}

/**
 * The scrolling history: older pages load when the top comes into view (or from the button, by
 * keyboard), without moving what is on screen; new messages keep the view at the end while it
 * is there, and otherwise offer a jump to them.
 */
export function MessageList({ entries, hasOlder, loadingOlder, onLoadOlder, onAtBottomChange, focus, notice }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const top = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const [newBelow, setNewBelow] = useState(false);
  const previous = useRef<{ firstKey?: string; lastKey?: string; height: number }>({ height: 0 });

  const setAtBottom = useCallback(
    (value: boolean) => {
      if (value) setNewBelow(false);
      if (atBottom.current === value) return;
      atBottom.current = value;
      onAtBottomChange(value);
    },
    [onAtBottomChange],
  );

  const firstKey = entries[0]?.key;
  const lastKey = entries[entries.length - 1]?.key;
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const before = previous.current;
    if (before.firstKey && firstKey !== before.firstKey && lastKey === before.lastKey) {
      // Older messages came in above: keep the same messages on screen.
      element.scrollTop += element.scrollHeight - before.height;
    } else if (lastKey !== before.lastKey) {
      if (atBottom.current || !before.lastKey) element.scrollTop = element.scrollHeight;
      else setNewBelow(true);
    }
    previous.current = { firstKey, lastKey, height: element.scrollHeight };
  }, [firstKey, lastKey]);

  useEffect(() => {
    const element = scroller.current;
    const list = element?.querySelector('.messages');
    if (!element || !list) return;
    // The view or its messages change size (a pinned bar, files or a reply above the composer, a
    // reaction on the last message): a view that was at the end stays there.
    const observer = new ResizeObserver(() => {
      if (atBottom.current) element.scrollTop = element.scrollHeight;
    });
    observer.observe(element);
    observer.observe(list);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const sentinel = top.current;
    if (!sentinel || !hasOlder) return;
    const observer = new IntersectionObserver(([entry]) => {
      if (entry?.isIntersecting && !loadingOlder) onLoadOlder();
    }, { root: scroller.current, rootMargin: '200px 0px 0px 0px' });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [hasOlder, loadingOlder, onLoadOlder]);

  const focused = useRef<number | null>(null);
  useEffect(() => {
    if (!focus || focused.current === focus.id) return;
    const element = scroller.current?.querySelector<HTMLElement>(`[data-seq="${focus.seq}"]`);
    if (!element) return;
    focused.current = focus.id;
    element.scrollIntoView({ block: 'center' });
    // Marked until the viewer moves on (focus alone shows only to keyboard users).
    element.classList.add('shown');
    element.addEventListener('blur', () => element.classList.remove('shown'), { once: true });
    element.focus({ preventScroll: true });
  }, [focus, entries]);

  const onScroll = () => {
    const element = scroller.current;
    if (element) setAtBottom(element.scrollHeight - element.scrollTop - element.clientHeight < BOTTOM_SLACK_PX);
  };
  const jumpToEnd = () => {
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
    setAtBottom(true);
  };

  return (
    <div className="message-scroller" ref={scroller} onScroll={onScroll} tabIndex={0} aria-label="Messages" role="log">
      <div ref={top} className="history-top">
        {hasOlder ? (
          <button type="button" className="button button-quiet" onClick={onLoadOlder} disabled={loadingOlder}>
            {loadingOlder ? 'Loading older messages…' : 'Load older messages'}
          </button>
        ) : (
          entries.length > 0 && <p className="muted">This is the beginning of the conversation.</p>
        )}
      </div>
      {notice && (
        <p className="history-notice" role="status">
          {notice}
        </p>
      )}
      <ol className="messages">
        {entries.map((entry, index) => {
          const previousEntry = entries[index - 1];
          const newDay = !previousEntry || !sameDay(previousEntry.createdAt, entry.createdAt);
          return (
            <Fragment key={entry.key}>
              {newDay && (
                <li className="day" aria-hidden="true">
                  {dayLabel(entry.createdAt)}
                </li>
              )}
              {entry.node}
            </Fragment>
          );
        })}
      </ol>
      {newBelow && (
        <button type="button" className="button jump" onClick={jumpToEnd}>
          New messages ↓
        </button>
      )}
    </div>
  );
}
