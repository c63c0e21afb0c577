import { useEffect, useState, useSyncExternalStore } from 'react';
import { useServices } from './services';
import { useOnline, useSocketStatus } from './useSocketStatus';

/** Reconnecting shows only past this, so that a quick reconnect does not flash a banner. */
const SHOW_AFTER_MS = 1_500;

/** Offline, connecting or reconnecting, and messages waiting to be sent: said once, politely. */
export function ConnectionBanner() {
  const { outbox } = useServices();
  const online = useOnline();
  const { state, closes } = useSocketStatus();
  const waiting = useSyncExternalStore(outbox.subscribe, outbox.snapshot).filter((item) => item.failure?.retryable).length;
  // Each spell without a connection is one key; it shows once it lasted SHOW_AFTER_MS.
  const spell = `${state}:${closes}`;
  const [lateSpell, setLateSpell] = useState<string | null>(null);
  useEffect(() => {
    if (state === 'connected') return;
    const timer = setTimeout(() => setLateSpell(spell), SHOW_AFTER_MS);
    return () => clearTimeout(timer);
  }, [state, spell]);
  const late = state !== 'connected' && lateSpell === spell;

  let text = '';
  if (!online) text = 'You are offline. Messages you write are sent when you are back.';
  else if (state !== 'connected' && late) text = state === 'reconnecting' ? 'Reconnecting…' : 'Connecting…';
  if (text && waiting > 0) text += ` ${waiting} message${waiting === 1 ? '' : 's'} waiting.`;
  return (
    <div className={`banner ${text ? 'banner-visible' : ''}`} role="status" data-testid="connection-banner">
      {text}
    </div>
  );
}
