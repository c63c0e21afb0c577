import { useEffect, useState } from 'react';

/** The time now, moved on every `intervalMs`: for what changes with time alone (a mute that ends). */
export function useClock(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
