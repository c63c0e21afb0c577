import { ApolloProvider } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { createApolloClient } from '../apollo/client';
import { createLiveSocket } from '../apollo/socket';
import { Outbox } from '../chat/outbox';
import { MessageSender } from '../chat/sender';
import type { Session, SessionUser } from '../session/session';
import { Messenger } from './Messenger';
import { ReadingChat, type Services, ServicesContext } from './services';

/** The app of one signed-in user: its socket, Apollo Client and outbox live as long as the session. */
export function SignedIn({ session, user }: { session: Session; user: SessionUser }) {
  const [services, setServices] = useState<Services | null>(null);
  useEffect(() => {
    const socket = createLiveSocket(session);
    const client = createApolloClient(session, socket);
    const outbox = new Outbox(user.id);
    const reading = new ReadingChat();
    const sender = new MessageSender(client, outbox, user, () => reading.current());
    // A socket and a client are outside React: made when the user signs in, disposed when they leave
    // (made during render instead, StrictMode's second mount would find them disposed).
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setServices({ session, user, socket, client, outbox, sender, reading });
    return () => {
      sender.dispose();
      socket.dispose();
      client.stop();
      void client.clearStore();
    };
    // The user's profile fields may change with a refresh; the services belong to the user.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session, user.id]);
  if (!services) return null;
  return (
    <ApolloProvider client={services.client}>
      <ServicesContext.Provider value={services}>
        <Messenger />
      </ServicesContext.Provider>
    </ApolloProvider>
  );
}
