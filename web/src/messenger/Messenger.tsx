import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { AccountPanel } from '../accounts/AccountPanel';
import type { DataExport } from '../accounts/DataExportSection';
import { ChatView } from '../chat/ChatView';
import { ChatList } from '../chats/ChatList';
import { displayName } from '../chats/chat-display';
import { NewGroupDialog } from '../people/NewGroupDialog';
import { PeoplePanel } from '../people/PeoplePanel';
import { MeQuery } from '../people/people.operations';
import type { Outbox } from '../chat/outbox';
import type { Session } from '../session/session';
import { Avatar } from '../ui/Avatar';
import { SettingsIcon } from '../ui/icons';
import { Empty } from '../ui/Status';
import { ConnectionBanner } from './ConnectionBanner';
import { useServices } from './services';
import { useLiveUpdates } from './useLiveUpdates';
import { ACCOUNT_PATH, useRoute } from './useRoute';

/** The signed-in layout: chats or people on the side, the open chat or the account beside (one at a time on a phone). */
export function Messenger() {
  const { session, user, outbox } = useServices();
  const route = useRoute();
  const [newGroup, setNewGroup] = useState(false);
  // Parley makes one export an hour: its link outlives the account panel, for as long as the session.
  const [lastExport, setLastExport] = useState<DataExport | null>(null);
  const me = useQuery(MeQuery).data?.me;
  useLiveUpdates();
  const name = displayName(me ?? user);

  return (
    <div className={`messenger ${route.chatId || route.view === 'account' ? 'showing-chat' : 'showing-list'}`}>
      <a href="#main" className="skip-link">
        Skip to the conversation
      </a>
      <ConnectionBanner />
      <aside className="sidebar" aria-label="Chats and people">
        <header className="account">
          <a href={ACCOUNT_PATH} className="account-link" aria-current={route.view === 'account' ? 'page' : undefined}>
            <Avatar name={name} seed={user.id} url={me?.avatarUrl ?? user.avatarUrl} />
            <span className="account-name" data-testid="account-name">
              {name}
              <span className="muted"> @{user.username}</span>
            </span>
            <SettingsIcon />
            <span className="visually-hidden">Account settings</span>
          </a>
          <button type="button" className="button button-quiet" onClick={() => logOut(session, outbox)}>
            Log out
          </button>
        </header>
        <nav className="sidebar-nav" aria-label="Sections">
          <a href="#/" aria-current={route.view === 'chats' ? 'page' : undefined}>
            Chats
          </a>
          <a href="#/people" aria-current={route.view === 'people' ? 'page' : undefined}>
            People
          </a>
        </nav>
        {route.view === 'people' ? <PeoplePanel /> : <ChatList selectedId={route.chatId} onNewGroup={() => setNewGroup(true)} />}
      </aside>
      <main id="main" className="conversation" tabIndex={-1}>
        {route.view === 'account' ? (
          <AccountPanel lastExport={lastExport} onExported={setLastExport} />
        ) : route.chatId ? (
          <ChatView key={route.chatId} chatId={route.chatId} focusSeq={route.seq} />
        ) : (
          <Empty>Choose a chat, or find people to talk to.</Empty>
        )}
      </main>
      <NewGroupDialog open={newGroup} onClose={() => setNewGroup(false)} />
    </div>
  );
}

/** Unsent messages stay on the device only while their author is signed in: ask before dropping them. */
function logOut(session: Session, outbox: Outbox): void {
  const unsent = outbox.snapshot().length;
  if (unsent > 0 && !window.confirm(`${unsent} message${unsent === 1 ? ' is' : 's are'} not sent yet. Log out and drop ${unsent === 1 ? 'it' : 'them'}?`)) return;
  outbox.clear();
  void session.logOut();
}
