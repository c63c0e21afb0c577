import { skipToken, useSubscription } from '@apollo/client/react';
import { useMemo } from 'react';
import { addMessage, heldSeq } from '../chats/chat-cache';
import { useServices } from '../messenger/services';
import { useSocketStatus } from '../messenger/useSocketStatus';
import { ChatMessageAddedSubscription } from './chat.operations';

/**
 * New messages of the open chat, resumed without a gap: the subscription asks for everything
 * after the highest seq the cache holds, once the history is loaded and again each time the
 * socket closes (graphql-ws then subscribes anew with that seq when it is back). Parley replays
 * what came meanwhile, then goes live; a message already held is not added twice.
 */
export function useChatLive(chatId: string, historyLoaded: boolean): void {
  const { client, user, reading } = useServices();
  const { closes } = useSocketStatus();
  // Read again at each close; read at any other time it would only start later, never miss anything.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const afterSeq = useMemo(() => (historyLoaded ? heldSeq(client.cache, chatId) : null), [client, chatId, historyLoaded, closes]);

  useSubscription(
    ChatMessageAddedSubscription,
    afterSeq === null
      ? skipToken
      : {
          variables: { chatId, afterSeq },
          ignoreResults: true,
          onData: ({ data }) => {
            if (data.data) addMessage(client.cache, data.data.messageAdded, { id: user.id, readingChatId: reading.current() });
          },
        },
  );
}
