import type { ReactNode } from 'react';

/** The card of the screens outside the messenger: signing in, and the pages of account links. */
export function AuthCard({ children }: { children: ReactNode }) {
  return (
    <main className="auth">
      <div className="auth-card">
        <h1 className="brand">Parley</h1>
        {children}
      </div>
    </main>
  );
}
