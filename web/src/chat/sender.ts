import type { ApolloClient } from '@apollo/client';
import { addMessage } from '../chats/chat-cache';
import type { MessageFieldsFragment } from '../gql/graphql';
import { describeError } from '../ui/errors';
import { SendMessageMutation } from './chat.operations';
import type { OutgoingMessage, Outbox } from './outbox';

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

  send(chatId: string, body: string): void {
    void this.deliver(this.outbox.add(chatId, body));
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
        variables: { input: { chatId: item.chatId, body: item.body, clientId: item.clientId } },
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
    return {
      __typename: 'Message',
      id: `${PENDING_PREFIX}${item.clientId}`,
      seq: Number.MAX_SAFE_INTEGER,
      body: item.body,
      clientId: item.clientId,
      createdAt: item.createdAt,
      editedAt: null,
      deletedAt: null,
      attachments: [],
      author: { __typename: 'User', ...this.author },
      chat: { __typename: 'Chat', id: item.chatId },
    };
  }
}
