import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { ChatQuery } from '../chats/chats.operations';
import { useServices } from '../messenger/services';
import { Empty, ErrorNotice, Loading } from '../ui/Status';
import { ChatHistoryQuery } from './chat.operations';
import { ChatHeader } from './ChatHeader';
import { Composer } from './Composer';
import { MessageBubble } from './MessageBubble';
import { type ListEntry, MessageList } from './MessageList';
import { PENDING_PREFIX } from './sender';
import { othersPointers, tickFor } from './ticks';
import { TypingIndicator } from './TypingIndicator';
import { useChatLive } from './useChatLive';
import { useMarkRead } from './useMarkRead';
import { useTypingSignal, useTypists } from './useTyping';

/** One conversation: header, history (paged backwards, live at the end), who is typing, and the composer. */
export function ChatView({ chatId }: { chatId: string }) {
  const { user, outbox, sender } = useServices();
  const details = useQuery(ChatQuery, { variables: { id: chatId } });
  const history = useQuery(ChatHistoryQuery, { variables: { chatId }, notifyOnNetworkStatusChange: true });
  const chat = details.data?.chat;
  const connection = history.data?.chat?.messages;
  useChatLive(chatId, Boolean(connection));
  const typists = useTypists(chatId);
  const signalTyping = useTypingSignal(chatId);
  const outgoing = useSyncExternalStore(outbox.subscribe, outbox.snapshot);
  const [atBottom, setAtBottom] = useState(true);

  const { messages, storedClientIds } = useMemo(() => {
    const nodes = connection?.edges.map((edge) => edge.node) ?? [];
    const stored = new Set(nodes.filter((node) => !node.id.startsWith(PENDING_PREFIX)).map((node) => node.clientId));
    // A stand-in whose message already came back over the socket is shown once, as that message.
    return { messages: nodes.filter((node) => !node.id.startsWith(PENDING_PREFIX) || !stored.has(node.clientId)), storedClientIds: stored };
  }, [connection]);
  const failed = outgoing.filter((item) => item.chatId === chatId && item.failure && !storedClientIds.has(item.clientId));
  useEffect(() => {
    // Confirmed by the history itself (a reply lost on the way, then the message replayed): done.
    for (const item of outgoing) if (storedClientIds.has(item.clientId)) outbox.remove(item.clientId);
  }, [outgoing, storedClientIds, outbox]);

  // Only others' messages count as unread: the viewer's own need no marking.
  const newestFromOthers = messages.reduce((newest, message) => (message.author.id !== user.id ? Math.max(newest, message.seq) : newest), 0);
  useMarkRead(chatId, newestFromOthers, chat?.viewerMembership.lastReadSeq ?? 0, atBottom);

  const { fetchMore } = history;
  const startCursor = connection?.pageInfo.startCursor;
  const loadOlder = useCallback(() => {
    if (startCursor) void fetchMore({ variables: { before: startCursor } });
  }, [fetchMore, startCursor]);

  if (!chat) {
    if (details.error) return <ErrorNotice what="Loading this chat" error={details.error} onRetry={() => void details.refetch()} />;
    if (details.loading) return <Loading label="Loading chat…" />;
    return <Empty>This chat is not available: you may have left it. <a href="#/">Back to your chats</a></Empty>;
  }

  const pointers = othersPointers(chat.members, user.id);
  const entries: ListEntry[] = [
    ...messages.map((message) => {
      const mine = message.author.id === user.id;
      const pending = message.id.startsWith(PENDING_PREFIX);
      const tick = mine ? (pending ? 'pending' : tickFor(message.seq, pointers)) : null;
      const node = <MessageBubble key={message.id} message={{ ...message, seq: pending ? null : message.seq }} mine={mine} showAuthor={chat.kind === 'GROUP' && !mine} tick={tick} />;
      return { key: message.id, createdAt: message.createdAt, node };
    }),
    ...failed.map((item) => {
      const failure = { message: item.failure?.message ?? '', onRetry: () => sender.retry(item.clientId), onDiscard: () => sender.discard(item.clientId) };
      const message = { ...item, seq: null, editedAt: null, deletedAt: null, attachments: [], author: user };
      const node = <MessageBubble key={item.clientId} message={message} mine showAuthor={false} tick="failed" failure={failure} />;
      return { key: `outbox:${item.clientId}`, createdAt: item.createdAt, node };
    }),
  ];

  return (
    <section className="chat-view" aria-labelledby="chat-title">
      <ChatHeader chat={chat} viewerId={user.id} />
      {history.error && !connection ? (
        <ErrorNotice what="Loading messages" error={history.error} onRetry={() => void history.refetch()} />
      ) : !connection ? (
        <Loading label="Loading messages…" />
      ) : (
        <MessageList
          entries={entries}
          hasOlder={connection.pageInfo.hasPreviousPage}
          loadingOlder={history.networkStatus === NetworkStatus.fetchMore}
          onLoadOlder={loadOlder}
          onAtBottomChange={setAtBottom}
        />
      )}
      <TypingIndicator typists={typists} />
      <Composer onSend={(body) => sender.send(chatId, { body, attachments: [], replyTo: null, mentions: [] })} onTyping={signalTyping} />
    </section>
  );
}
