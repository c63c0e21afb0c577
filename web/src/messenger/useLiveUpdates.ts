import type { ApolloClient } from '@apollo/client';
import { useSubscription } from '@apollo/client/react';
import { useEffect, useRef } from 'react';
import { addMessage, applyReceipt, insertChat, removeChat } from '../chats/chat-cache';
import {
  AnyMessageAddedSubscription,
  ChatQuery,
  ChatsQuery,
  ChatUpdatedSubscription,
  MessageUpdatedSubscription,
  PresenceSubscription,
  ReadReceiptSubscription,
} from '../chats/chats.operations';
import type { MessageFieldsFragment } from '../gql/graphql';
import { ChatHistoryQuery, PinnedMessagesQuery } from '../chat/chat.operations';
import { applyPin } from '../chat/pins';
import { FriendshipsQuery, MeQuery } from '../people/people.operations';
import { useServices } from './services';
import { useSocketStatus } from './useSocketStatus';

/**
 * The subscriptions that keep the whole app current while signed in: new messages in every chat
 * (the list), edits, deletions, reactions and pins, read pointers (ticks and unread counts),
 * chats created or changed, presence. Edits, reactions and presence need no code: the cache
 * normalizes each Message and User, and every view of them updates. Events missed while the socket was down are not replayed by these, so each
 * reconnect refetches what they keep (the open chat's history resumes by itself, useChatLive.ts).
 */
export function useLiveUpdates(): void {
  const { client, user, reading, sender } = useServices();
  const onMessage = (message: MessageFieldsFragment) => {
    const known = addMessage(client.cache, message, { id: user.id, readingChatId: reading.current() });
    if (!known) void fetchIntoList(client, message.chat.id);
  };
  useSubscription(AnyMessageAddedSubscription, {
    ignoreResults: true,
    onData: ({ data }) => data.data && onMessage(data.data.messageAdded),
  });
  useSubscription(MessageUpdatedSubscription, {
    ignoreResults: true,
    // The message itself updates wherever it shows; a pin or unpin also moves it in its chat's pinned list.
    onData: ({ data }) => data.data && applyPin(client.cache, data.data.messageUpdated),
  });
  useSubscription(PresenceSubscription, { ignoreResults: true });
  useSubscription(ReadReceiptSubscription, {
    ignoreResults: true,
    onData: ({ data }) => {
      const receipt = data.data?.readReceiptUpdated;
      if (!receipt) return;
      const { lastReadSeq, lastDeliveredSeq } = receipt;
      applyReceipt(client.cache, { chatId: receipt.chat.id, userId: receipt.user.id, lastReadSeq, lastDeliveredSeq }, user.id);
    },
  });
  useSubscription(ChatUpdatedSubscription, {
    ignoreResults: true,
    onData: ({ data }) => {
      const update = data.data?.chatUpdated;
      if (!update) return;
      const aboutMe = update.users.some((member) => member.id === user.id);
      if ((update.kind === 'MEMBER_REMOVED' || update.kind === 'MEMBER_LEFT') && aboutMe) removeChat(client.cache, update.chat.id);
      else insertChat(client.cache, update.chat);
    },
  });

  const { connections } = useSocketStatus();
  const seen = useRef(0);
  useEffect(() => {
    if (connections === seen.current) return;
    const reconnected = seen.current > 0;
    seen.current = connections;
    // Back after a break: what the live feeds would have said is read again (the histories resume
    // by themselves), anything that failed while the server was away is asked again, and unsent
    // messages go.
    void client.refetchQueries({
      include: [ChatsQuery, ChatQuery, FriendshipsQuery, MeQuery, ChatHistoryQuery, PinnedMessagesQuery],
      onQueryUpdated: (query) => {
        const failed = Boolean(query.getCurrentResult().error);
        return failed || (reconnected && query.queryName !== 'ChatHistory');
      },
    });
    sender.retryAll();
  }, [client, connections, sender]);
}

/** A message in a chat the list does not hold yet (a new chat, or one past the loaded pages). */
async function fetchIntoList(client: ApolloClient, chatId: string): Promise<void> {
  const { data } = await client.query({ query: ChatQuery, variables: { id: chatId }, fetchPolicy: 'network-only' });
  if (data?.chat) insertChat(client.cache, data.chat);
}
