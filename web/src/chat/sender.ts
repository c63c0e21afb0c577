import type { ApolloClient } from '@apollo/client';
import { addMessage } from '../chats/chat-cache';
import type { MessageFieldsFragment, SendMessageInput } from '../gql/graphql';
import { describeError } from '../ui/errors';
import { SendMessageMutation } from './chat.operations';
import type { MessageDraft, OutgoingMessage, Outbox } from './outbox';

export interface Author {
  id: string;
  username: string;
  displayName: string | null;
  avatarUrl: string | null;
}

/** The optimistic stand-in shows until the server answers; its seq sorts it last. */
export const PENDING_PREFIX = 'pending:';
/** A failure that may pass is retried after 2 s, 4 s, 8 s… up to this (and at once after a reconnect). */
const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Sends what the viewer writes: shown at once (Apollo's optimistic layer), kept in the outbox
 * until the server confirms it, and sent again with the same clientId after a failure that may
 * pass (offline, server restarting, rate limited), so a retry never makes a second message.
 */
export class MessageSender {
  private readonly inFlight = new Set<string>();
  private readonly retries = new Map<string, { attempts: number; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly client: ApolloClient,
    private readonly outbox: Outbox,
    private readonly author: Author,
    private readonly readingChat: () => string | null,
  ) {}

  send(chatId: string, draft: MessageDraft): void {
    void this.deliver(this.outbox.add(chatId, draft));
  }

  /** Every message that failed for a reason that may have passed, once more (after a reconnect, or on request). */
  retryAll(): void {
    for (const item of this.outbox.snapshot()) if (item.failure?.retryable) void this.deliver(item);
  }

  /** At sign-out: no more retries. */
  dispose(): void {
    for (const { timer } of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
  }

  retry(clientId: string): void {
    const item = this.outbox.snapshot().find((candidate) => candidate.clientId === clientId);
    if (item) void this.deliver(item);
  }

  discard(clientId: string): void {
    clearTimeout(this.retries.get(clientId)?.timer);
    this.retries.delete(clientId);
    this.outbox.remove(clientId);
  }

  private async deliver(item: OutgoingMessage): Promise<void> {
    if (this.inFlight.has(item.clientId)) return;
    this.inFlight.add(item.clientId);
    clearTimeout(this.retries.get(item.clientId)?.timer);
    this.outbox.sending(item.clientId);
    try {
      await this.client.mutate({
        mutation: SendMessageMutation,
        variables: { input: sendMessageInput(item) },
        optimisticResponse: { sendMessage: this.standIn(item) },
        update: (cache, { data }) => {
          if (data) addMessage(cache, data.sendMessage, { id: this.author.id, readingChatId: this.readingChat() });
        },
      });
      this.retries.delete(item.clientId);
      this.outbox.remove(item.clientId);
    } catch (error) {
      const problem = describeError(error);
      this.outbox.fail(item.clientId, { message: problem.message, retryable: problem.retryable });
      if (problem.retryable) this.retryLater(item);
    } finally {
      this.inFlight.delete(item.clientId);
    }
  }

  private retryLater(item: OutgoingMessage): void {
    const attempts = (this.retries.get(item.clientId)?.attempts ?? 0) + 1;
    const delay = Math.min(MAX_RETRY_DELAY_MS, 1_000 * 2 ** attempts);
    this.retries.set(item.clientId, { attempts, timer: setTimeout(() => this.retry(item.clientId), delay) });
  }

  private standIn(item: OutgoingMessage): MessageFieldsFragment {
    return standInMessage(item, this.author);
  }
}

/** What every attempt sends: the same clientId, and for files only the ids of their READY uploads. */
export function sendMessageInput(item: OutgoingMessage): SendMessageInput {
  return {
    chatId: item.chatId,
    clientId: item.clientId,
    body: item.body || null,
    ...(item.attachments.length > 0 && { attachments: item.attachments.map(({ uploadId }) => ({ uploadId })) }),
    ...(item.replyTo && { replyToId: item.replyTo.id }),
    ...(item.mentions.length > 0 && { mentionUserIds: item.mentions.map((user) => user.id) }),
  };
}

/** The message as it will look once stored, shown while it is on its way. */
export function standInMessage(item: OutgoingMessage, author: Author): MessageFieldsFragment {
  const user = (person: { id: string; username: string; displayName: string | null }) => ({ __typename: 'User' as const, ...person });
  return {
    __typename: 'Message',
    id: `${PENDING_PREFIX}${item.clientId}`,
    seq: Number.MAX_SAFE_INTEGER,
    body: item.body || null,
    clientId: item.clientId,
    createdAt: item.createdAt,
    editedAt: null,
    deletedAt: null,
    pinnedAt: null,
    attachments: item.attachments.map(({ url, name, mimeType, sizeBytes, width, height, thumbnailUrl }) => ({
      __typename: 'Attachment',
      url: url ?? '',
      name,
      mimeType,
      sizeBytes,
      width,
      height,
      thumbnailUrl,
    })),
    author: { __typename: 'User', ...author },
    chat: { __typename: 'Chat', id: item.chatId },
    replyTo: item.replyTo && { __typename: 'Message', ...item.replyTo, author: user(item.replyTo.author) },
    mentions: item.mentions.map(user),
  };
}
