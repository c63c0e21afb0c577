import type { ApolloClient } from '@apollo/client';
import { createContext, useContext } from 'react';
import type { LiveSocket } from '../apollo/socket';
import type { Outbox } from '../chat/outbox';
import type { MessageSender } from '../chat/sender';
import type { Session, SessionUser } from '../session/session';

/** What the signed-in app shares: made once per sign-in (SignedIn.tsx), dropped at sign-out. */
export interface Services {
  session: Session;
  user: SessionUser;
  client: ApolloClient;
  socket: LiveSocket;
  outbox: Outbox;
  sender: MessageSender;
  reading: ReadingChat;
}

/** The chat on screen while the page is visible: its new messages are read, not unread. */
export class ReadingChat {
  private chatId: string | null = null;

  current(): string | null {
    return this.chatId;
  }

  set(chatId: string | null): void {
    this.chatId = chatId;
  }
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() outside <SignedIn>');
  return services;
}
