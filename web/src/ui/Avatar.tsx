interface AvatarProps {
  name: string;
  seed: string;
  url?: string | null;
  /** Shows a presence dot: true online, false offline, undefined none (groups). */
  online?: boolean;
  size?: 'small' | 'large';
}

const HUES = [210, 260, 330, 20, 150, 190, 290, 40];

/** A picture or initials on a colour of the person's own; the name is said by the text beside it, so this is decorative. */
export function Avatar({ name, seed, url, online, size = 'small' }: AvatarProps) {
  const hue = HUES[[...seed].reduce((sum, char) => sum + char.charCodeAt(0), 0) % HUES.length];
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => [...word][0]?.toUpperCase())
    .join('');
  return (
    <span className={`avatar avatar-${size}`} aria-hidden="true" data-hue={hue}>
      {url ? <img src={url} alt="" loading="lazy" referrerPolicy="no-referrer" /> : <span className={`avatar-initials hue-${hue}`}>{initials || '?'}</span>}
      {online !== undefined && <span className={`presence ${online ? 'online' : 'offline'}`} />}
    </span>
  );
}
