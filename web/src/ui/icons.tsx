import type { ReactNode } from 'react';

// Line icons drawn for this client (24-unit grid, current colour): emoji would depend on the
// device's fonts, and these sit beside text that already names what they do.
function Icon({ children, size = 18 }: { children: ReactNode; size?: number }) {
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      {children}
    </svg>
  );
}

export const PaperclipIcon = () => (
  <Icon>
    <path d="M20 11.5l-8 8a5 5 0 0 1-7-7l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.3 8.3a1.7 1.7 0 0 1-2.4-2.4l7.5-7.5" />
  </Icon>
);

export const ReplyIcon = () => (
  <Icon>
    <path d="M9 6l-5 5 5 5" />
    <path d="M4 11h10a6 6 0 0 1 6 6v1" />
  </Icon>
);

export const SmileIcon = () => (
  <Icon>
    <circle cx="12" cy="12" r="9" />
    <path d="M8.5 14.5a4.5 4.5 0 0 0 7 0" />
    <path d="M9 9.5h.01M15 9.5h.01" />
  </Icon>
);

export const PinIcon = ({ size }: { size?: number }) => (
  <Icon size={size}>
    <path d="M9 3h6l-1 6 3 3v2H7v-2l3-3z" />
    <path d="M12 14v7" />
  </Icon>
);

export const FileIcon = () => (
  <Icon>
    <path d="M6 3h8l4 4v14H6z" />
    <path d="M14 3v4h4" />
  </Icon>
);

export const BellIcon = ({ off = false }: { off?: boolean }) => (
  <Icon>
    <path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15z" />
    <path d="M10 20.5a2 2 0 0 0 4 0" />
    {off && <path d="M3 3l18 18" />}
  </Icon>
);

/** Three sliders: settings. */
export const SettingsIcon = () => (
  <Icon>
    <path d="M4 6h3M11 6h9M4 12h9M17 12h3M4 18h1M9 18h11" />
    <circle cx="9" cy="6" r="2" />
    <circle cx="15" cy="12" r="2" />
    <circle cx="7" cy="18" r="2" />
  </Icon>
);
