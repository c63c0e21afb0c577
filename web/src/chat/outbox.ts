/** A message the viewer wrote that the server has not confirmed yet. */
export interface OutgoingMessage {
  /** The idempotency key: however often it is sent, the server stores it once. */
  clientId: string;
  chatId: string;
  body: string;
  createdAt: string;
  /** Why the last attempt failed; null while it is on its way. */
  failure: { message: string; retryable: boolean } | null;
}

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
    // Whatever was on its way when the page went away is retried.
    this.items = this.read().map((item) => ({ ...item, failure: item.failure ?? { message: 'Not sent yet.', retryable: true } }));
  }

  readonly snapshot = (): readonly OutgoingMessage[] => this.items;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  add(chatId: string, body: string): OutgoingMessage {
    const item: OutgoingMessage = { clientId: crypto.randomUUID(), chatId, body, createdAt: new Date().toISOString(), failure: null };
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

  private read(): OutgoingMessage[] {
    try {
      const items = JSON.parse(this.storage.getItem(this.key) ?? '[]') as OutgoingMessage[];
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
