import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useFileDrop } from '../attachments/useFileDrop';
import { useFileUploads } from '../attachments/useFileUploads';
import { ChatQuery } from '../chats/chats.operations';
import { useServices } from '../messenger/services';
import { Empty, ErrorNotice, Loading } from '../ui/Status';
import { ChatHistoryQuery } from './chat.operations';
import { ChatHeader } from './ChatHeader';
import { Composer } from './Composer';
import { MessageBubble } from './MessageBubble';
import { type ListEntry, MessageList } from './MessageList';
import type { QuotedMessage } from './outbox';
import { PinnedBar } from './PinnedBar';
import { PENDING_PREFIX, standInMessage } from './sender';
import { othersPointers, tickFor } from './ticks';
import { TypingIndicator } from './TypingIndicator';
import { useChatLive } from './useChatLive';
import { useMarkRead } from './useMarkRead';
import { useMessageHandlers } from './useMessageHandlers';
import { type ShowRequest, useReachMessage } from './useReachMessage';
import { useTypingSignal, useTypists } from './useTyping';

/**
 * One conversation: header and pinned messages, history (paged backwards, live at the end, back
 * to a given message on request), who is typing, and the composer; files dropped anywhere on it
 * join the message being written.
 */
export function ChatView({ chatId, focusSeq }: { chatId: string; focusSeq: number | null }) {
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
  const [replyTo, setReplyTo] = useState<QuotedMessage | null>(null);
  const uploads = useFileUploads();
  const drop = useFileDrop(uploads.add);

  // A message to show: from the address (a search result), or a quote's original.
  const [showRequest, setShowRequest] = useState<ShowRequest | null>(focusSeq ? { seq: focusSeq, id: 1 } : null);
  const show = useCallback((seq: number) => setShowRequest((current) => ({ seq, id: (current?.id ?? 0) + 1 })), []);
  const [routeSeq, setRouteSeq] = useState(focusSeq);
  if (focusSeq !== routeSeq) {
    setRouteSeq(focusSeq);
    if (focusSeq) show(focusSeq);
  }
  const handlers = useMessageHandlers(chat ?? null, setReplyTo, show);

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
  const loadingOlder = history.networkStatus === NetworkStatus.fetchMore;
  const loadOlder = useCallback(
    (count?: number) => {
      if (startCursor) void fetchMore({ variables: { before: startCursor, ...(count ? { last: count } : {}) } });
    },
    [fetchMore, startCursor],
  );
  const storedSeqs = useMemo(() => messages.filter((message) => !message.id.startsWith(PENDING_PREFIX)).map((message) => message.seq), [messages]);
  const reach = useReachMessage(
    showRequest,
    connection ? { seqs: storedSeqs, hasOlder: connection.pageInfo.hasPreviousPage, loadingOlder, loadOlder } : null,
  );

  if (!chat) {
    if (details.error) return <ErrorNotice what="Loading this chat" error={details.error} onRetry={() => void details.refetch()} />;
    if (details.loading) return <Loading label="Loading chat…" />;
    return <Empty>This chat is not available: you may have left it. <a href="#/">Back to your chats</a></Empty>;
  }

  const pointers = othersPointers(chat.members, user.id);
  const bubble = { viewerId: user.id, handlers };
  const entries: ListEntry[] = [
    ...messages.map((message) => {
      const mine = message.author.id === user.id;
      const pending = message.id.startsWith(PENDING_PREFIX);
      const tick = mine ? (pending ? 'pending' : tickFor(message.seq, pointers)) : null;
      const node = (
        <MessageBubble key={message.id} {...bubble} message={{ ...message, seq: pending ? null : message.seq }} mine={mine} unsent={pending} showAuthor={chat.kind === 'GROUP' && !mine} tick={tick} />
      );
      return { key: message.id, createdAt: message.createdAt, node };
    }),
    ...failed.map((item) => {
      const failure = { message: item.failure?.message ?? '', onRetry: () => sender.retry(item.clientId), onDiscard: () => sender.discard(item.clientId) };
      const message = { ...standInMessage(item, user), seq: null, reactions: [] };
      const node = <MessageBubble key={item.clientId} {...bubble} message={message} mine unsent showAuthor={false} tick="failed" failure={failure} />;
      return { key: `outbox:${item.clientId}`, createdAt: item.createdAt, node };
    }),
  ];
  const members = chat.members.map((member) => member.user);

  return (
    <section className={`chat-view ${drop.dragging ? 'dragging-files' : ''}`} aria-labelledby="chat-title" {...drop.handlers}>
      <ChatHeader chat={chat} viewerId={user.id} />
      <PinnedBar chatId={chatId} onShow={show} />
      {history.error && !connection ? (
        <ErrorNotice what="Loading messages" error={history.error} onRetry={() => void history.refetch()} />
      ) : !connection ? (
        <Loading label="Loading messages…" />
      ) : (
        <MessageList
          entries={entries}
          hasOlder={connection.pageInfo.hasPreviousPage}
          loadingOlder={loadingOlder}
          onLoadOlder={loadOlder}
          onAtBottomChange={setAtBottom}
          focus={reach === 'shown' ? showRequest : null}
          notice={reach === 'missing' ? 'That message is no longer in your history of this chat.' : reach === 'loading' ? 'Finding the message…' : null}
        />
      )}
      <TypingIndicator typists={typists} />
      <Composer
        viewerId={user.id}
        members={members}
        uploads={uploads}
        replyTo={replyTo}
        onCancelReply={() => setReplyTo(null)}
        onSend={(draft) => sender.send(chatId, draft)}
        onTyping={signalTyping}
      />
      {drop.dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop files to add them to your message
        </div>
      )}
    </section>
  );
}
