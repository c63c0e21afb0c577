/**
 * How long until something may be tried again, as a person says it ("in 40 seconds", "in 59
 * minutes", "in 2 hours 5 minutes"), rounded up so that it is never too early.
 */
export function waitWords(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  if (whole < 60) return `in ${count(whole, 'second')}`;
  const minutes = Math.ceil(whole / 60);
  if (minutes < 60) return `in ${count(minutes, 'minute')}`;
  const rest = minutes % 60;
  return `in ${count(Math.floor(minutes / 60), 'hour')}${rest ? ` ${count(rest, 'minute')}` : ''}`;
}

function count(amount: number, unit: string): string {
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}
