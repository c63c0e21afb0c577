const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const date = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const fullDate = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

const DAY = 86_400_000;

function startOfDay(at: Date): number {
  return new Date(at.getFullYear(), at.getMonth(), at.getDate()).getTime();
}

/** In the chat list: the time today, the weekday this week, the date before. */
export function shortTime(iso: string): string {
  const at = new Date(iso);
  const days = (startOfDay(new Date()) - startOfDay(at)) / DAY;
  if (days < 1) return time.format(at);
  if (days < 7) return weekday.format(at);
  return date.format(at);
}

export function clockTime(iso: string): string {
  return time.format(new Date(iso));
}

/** The heading above a day's messages. */
export function dayLabel(iso: string): string {
  const days = Math.round((startOfDay(new Date()) - startOfDay(new Date(iso))) / DAY);
  if (days < 2) return relative.format(-days, 'day');
  return fullDate.format(new Date(iso));
}

export function sameDay(a: string, b: string): boolean {
  return startOfDay(new Date(a)) === startOfDay(new Date(b));
}

/** "last seen 5 minutes ago" */
export function lastSeen(iso: string | null): string {
  if (!iso) return 'offline';
  const minutes = Math.round((Date.now() - Date.parse(iso)) / 60_000);
  if (minutes < 1) return 'last seen just now';
  if (minutes < 60) return `last seen ${relative.format(-minutes, 'minute')}`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `last seen ${relative.format(-hours, 'hour')}`;
  return `last seen ${date.format(new Date(iso))}`;
}

const dateAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "5 Mar 2026, 14:05": when a link stops working. */
export function dateTimeLabel(iso: string): string {
  return dateAndTime.format(new Date(iso));
}
