import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { postGraphQL, type TestServer } from './server';
import type { ClosedSocket } from './ws';

export interface SocketError {
  message: string;
  extensions?: Record<string, unknown>;
}

export type SignedInClient = Client & {
  closed: Promise<ClosedSocket>;
  /** True once the server acknowledged connection_init; false when the socket closed first. */
  connected: Promise<boolean>;
  /** Whether the socket has closed, read synchronously. */
  isClosed(): boolean;
  /**
   * Closes the client. graphql-ws's own dispose waits for a connection attempt in flight (a closed
   * client asked for something connects again) and rejects with its close event when the server
   * refuses it (4403 for an ended session); the socket is gone either way, so this one never rejects.
   */
  dispose(): Promise<void>;
};

/**
 * A graphql-ws client signed in as the holder of `accessToken` (connectionParams.authorization),
 * like `wsClient` but quiet about closes: tests read them from `closed`.
 */
export function signedInClient(server: TestServer, accessToken: string, params: Record<string, unknown> = {}): SignedInClient {
  let onClosed: (closed: ClosedSocket) => void = () => {};
  const closedPromise = new Promise<ClosedSocket>((resolve) => (onClosed = resolve));
  let closed = false;
  let onConnected: (connected: boolean) => void = () => {};
  const connected = new Promise<boolean>((resolve) => (onConnected = resolve));
  const client = createClient({
    url: server.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${accessToken}`, ...params },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
    on: {
      connected: () => onConnected(true),
      closed: (event) => {
        const { code, reason } = event as ClosedSocket;
        closed = true;
        onConnected(false);
        onClosed({ code, reason });
      },
    },
  });
  const dispose = client.dispose;
  return Object.assign(client, {
    closed: closedPromise,
    connected,
    isClosed: () => closed,
    dispose: async () => {
      await Promise.resolve(dispose()).catch(() => {});
    },
  });
}

/** Rejects with `what` when `promise` has not settled within `timeoutMs`. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `read` until `done` holds for its value; fails after `timeoutMs` with the last value seen. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000, what = 'a condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await delay(50);
  }
}

/** An operation written as a plain string, over HTTP; for operations the typed documents do not cover. */
export async function httpGraphQL<TData>(server: TestServer, token: string, query: string, variables: Record<string, unknown> = {}) {
  return postGraphQL<TData>(server.url, { query, variables }, { token });
}

/**
 * One subscription over a socket, collecting what the server sends: each event's payload (the
 * single root field of `data`), when it arrived, and errors. Waits are for conditions, each bounded.
 */
export class Subscription<T> {
  readonly events: T[] = [];
  readonly receivedAt: number[] = [];
  readonly errors: SocketError[] = [];
  completed = false;
  private readonly listeners = new Set<() => void>();
  private readonly stop: () => void;

  constructor(client: Client, query: string, variables: Record<string, unknown> = {}) {
    this.stop = client.subscribe<Record<string, T>>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors) this.errors.push(...(result.errors as SocketError[]));
          const value = result.data ? Object.values(result.data)[0] : undefined;
          if (value !== undefined && value !== null) {
            this.events.push(value);
            this.receivedAt.push(Date.now());
          }
          this.notify();
        },
        error: (error) => {
          if (Array.isArray(error)) this.errors.push(...(error as SocketError[]));
          else this.errors.push({ message: error instanceof Error ? error.message : `socket error: ${JSON.stringify(error)}` });
          this.completed = true;
          this.notify();
        },
        complete: () => {
          this.completed = true;
          this.notify();
        },
      },
    );
  }

  /** The events matching `where` (all by default), once there are at least `count` of them. */
  async waitFor(count: number, timeoutMs = 10_000, where: (event: T) => boolean = () => true): Promise<T[]> {
    const matching = () => this.events.filter(where);
    await this.waitUntil(() => matching().length >= count, timeoutMs, `${count} matching events`);
    return matching();
  }

  /** The first event matching `where`. */
  async waitForEvent(where: (event: T) => boolean, timeoutMs = 10_000): Promise<T> {
    const [event] = await this.waitFor(1, timeoutMs, where);
    return event!;
  }

  /** The errors the subscription ended with (or carried on an event). */
  async waitForErrors(timeoutMs = 10_000): Promise<SocketError[]> {
    await this.waitUntil(() => this.errors.length > 0, timeoutMs, 'an error');
    return this.errors;
  }

  waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        finish();
        resolve();
      };
      const timer = setTimeout(() => {
        finish();
        const seen = JSON.stringify({ events: this.events, errors: this.errors, completed: this.completed }).slice(0, 2_000);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${seen}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
    });
  }

  /**
   * Proves the subscription is live on the server: repeats `trigger` until an event matching
   * `isProbe` arrives (the server sends no acknowledgement of a subscribe). Returns that event.
   */
  async ready(trigger: () => Promise<unknown>, isProbe: (event: T) => boolean, options: { attempts?: number; waitMs?: number } = {}): Promise<T> {
    const { attempts = 20, waitMs = 250 } = options;
    for (let attempt = 1; ; attempt += 1) {
      await trigger();
      try {
        return await this.waitForEvent(isProbe, attempt === attempts ? 5_000 : waitMs);
      } catch (error) {
        if (attempt === attempts || this.completed) throw error;
      }
    }
  }

  dispose(): void {
    this.stop();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

export function subscribe<T>(client: Client, query: string, variables: Record<string, unknown> = {}): Subscription<T> {
  return new Subscription<T>(client, query, variables);
}
