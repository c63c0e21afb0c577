/** A person as a message names them (its author, someone it mentions). */
export interface NamedUser {
  id: string;
  username: string;
  displayName: string | null;
}

/**
 * A file the message carries: uploaded and checked (READY) before the message was written, so
 * that every attempt sends only its uploadId, and a retry never uploads it again. The rest is
 * what the stand-in shows meanwhile.
 */
export interface OutgoingAttachment {
  uploadId: string;
  name: string;
  mimeType: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  url: string | null;
  thumbnailUrl: string | null;
}

/** The message being answered, as the quote above the reply shows it. */
export interface QuotedMessage {
  id: string;
  seq: number;
  body: string | null;
  deletedAt: string | null;
  author: NamedUser;
}

/** What the composer hands over: text (may be empty when files go), files, the message answered, the people mentioned. */
export interface MessageDraft {
  body: string;
  attachments: OutgoingAttachment[];
  replyTo: QuotedMessage | null;
  mentions: NamedUser[];
}

/** A message the viewer wrote that the server has not confirmed yet. */
export interface OutgoingMessage extends MessageDraft {
  /** The idempotency key: however often it is sent, the server stores it once. */
  clientId: string;
  chatId: string;
  createdAt: string;
  /** Why the last attempt failed; null while it is on its way. */
  failure: { message: string; retryable: boolean } | null;
}

/** As localStorage may hold it: written by this version, or by one before files, replies and mentions. */
type StoredMessage = Omit<OutgoingMessage, keyof MessageDraft> & Partial<MessageDraft> & { body: string };

/**
 * Messages on their way, kept in localStorage per user so that one written offline, or just
 * before the tab closed, is neither lost nor sent twice: it is sent again with the same clientId.
 */
export class Outbox {
  private items: OutgoingMessage[];
  private readonly listeners = new Set<() => void>();
  private readonly key: string;

  constructor(userId: string, private readonly storage: Storage = window.localStorage) {
    this.key = `parley.outbox.${userId}`;
    // Whatever was on its way when the page went away is retried. Messages kept by an earlier
    // version of the app have no files, reply or mentions.
    this.items = this.read().map((item) => ({
      ...item,
      attachments: item.attachments ?? [],
      replyTo: item.replyTo ?? null,
      mentions: item.mentions ?? [],
      failure: item.failure ?? { message: 'Not sent yet.', retryable: true },
    }));
  }

  readonly snapshot = (): readonly OutgoingMessage[] => this.items;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  add(chatId: string, draft: MessageDraft): OutgoingMessage {
    const item: OutgoingMessage = { ...draft, clientId: crypto.randomUUID(), chatId, createdAt: new Date().toISOString(), failure: null };
    this.write([...this.items, item]);
    return item;
  }

  sending(clientId: string): void {
    this.write(this.items.map((item) => (item.clientId === clientId ? { ...item, failure: null } : item)));
  }

  fail(clientId: string, failure: NonNullable<OutgoingMessage['failure']>): void {
    this.write(this.items.map((item) => (item.clientId === clientId ? { ...item, failure } : item)));
  }

  remove(clientId: string): void {
    if (this.items.some((item) => item.clientId === clientId)) this.write(this.items.filter((item) => item.clientId !== clientId));
  }

  /** At sign-out: what was not sent stays off this device. */
  clear(): void {
    this.write([]);
  }

  private read(): StoredMessage[] {
    try {
      const items = JSON.parse(this.storage.getItem(this.key) ?? '[]') as StoredMessage[];
      return Array.isArray(items) ? items : [];
    } catch {
      return [];
    }
  }

  private write(items: OutgoingMessage[]): void {
    this.items = items;
    if (items.length > 0) this.storage.setItem(this.key, JSON.stringify(items));
    else this.storage.removeItem(this.key);
    for (const listener of this.listeners) listener();
  }
}
