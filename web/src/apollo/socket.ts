import { type Client, createClient } from 'graphql-ws';
import type { Session } from '../session/session';
import { GRAPHQL_WS_URL } from './endpoint';

/** What the socket is doing, for the connection banner and for subscriptions that resume. */
export interface SocketStatus {
  state: 'connecting' | 'connected' | 'reconnecting';
  /** Incremented each time the socket closes: live queries resume from what they hold at that moment. */
  closes: number;
  /** Incremented each time the server acknowledges a connection (1 after the first). */
  connections: number;
}

/** Parley closes a socket with 4403 when its token expires or its session ends: sign in again with a fresh token. */
const CLOSE_SESSION_ENDED = 4403;
/** A ping every 10 s; no pong within 5 s means the connection is dead (a laptop that slept, a dropped network). */
const PING_INTERVAL_MS = 10_000;
const PONG_TIMEOUT_MS = 5_000;
const MAX_RETRY_WAIT_MS = 15_000;

export interface LiveSocket {
  client: Client;
  status(): SocketStatus;
  subscribe(listener: () => void): () => void;
  dispose(): void;
}

/**
 * The graphql-ws client under GraphQLWsLink. It signs in with the session's token on every
 * (re)connection, asks for a fresh one after a 4403, retries forever with a growing, jittered
 * wait (cut short when the browser comes back online), and notices a dead connection by its
 * missing pong.
 */
export function createLiveSocket(session: Session): LiveSocket {
  let status: SocketStatus = { state: 'connecting', closes: 0, connections: 0 };
  const listeners = new Set<() => void>();
  const update = (change: Partial<SocketStatus>) => {
    status = { ...status, ...change };
    for (const listener of listeners) listener();
  };
  let rejectedToken: string | undefined;
  let usedToken: string | undefined;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  const wake = wakeSignal();

  const client: Client = createClient({
    url: GRAPHQL_WS_URL,
    lazyCloseTimeout: 2_000,
    // Never throws: graphql-ws would close with 4500 and give up for good.
    connectionParams: async () => {
      let token: string | null;
      try {
        token = rejectedToken !== undefined ? await session.refresh(rejectedToken) : await session.accessToken();
        rejectedToken = undefined;
      } catch {
        // The refresh did not reach the server: try with what there is (a refusal comes back as 4403, retried).
        token = session.snapshot()?.accessToken ?? null;
      }
      usedToken = token ?? undefined;
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    retryAttempts: Infinity,
    // Every close is worth another try while signed in; a session that ended stops it (the app disposes the client).
    shouldRetry: () => true,
    retryWait: (retries) => wake.sleep(Math.min(MAX_RETRY_WAIT_MS, 500 * 2 ** retries) * (0.5 + Math.random() / 2)),
    keepAlive: PING_INTERVAL_MS,
    on: {
      connecting: () => update({ state: status.connections > 0 ? 'reconnecting' : 'connecting' }),
      connected: () => update({ state: 'connected', connections: status.connections + 1 }),
      closed: (event) => {
        clearTimeout(pongTimer);
        if ((event as CloseEvent | undefined)?.code === CLOSE_SESSION_ENDED) rejectedToken = usedToken;
        update({ state: status.connections > 0 ? 'reconnecting' : 'connecting', closes: status.closes + 1 });
      },
      ping: (received) => {
        if (received) return;
        clearTimeout(pongTimer);
        pongTimer = setTimeout(() => client.terminate(), PONG_TIMEOUT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
    },
  });
  // Back online, or back from sleep: look again at once instead of finishing a long wait.
  const onOnline = () => {
    wake.now();
    if (status.state === 'connected') client.terminate();
  };
  window.addEventListener('online', onOnline);

  return {
    client,
    status: () => status,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: () => {
      window.removeEventListener('online', onOnline);
      clearTimeout(pongTimer);
      wake.dispose();
      // While a connection is being refused (a session the server ended), graphql-ws's dispose
      // rejects with that close: there is nothing left to close then.
      void Promise.resolve(client.dispose()).catch(() => {});
    },
  };
}

/** Sleeps that end early when `now()` is called, or when the device wakes up (a timer far later than asked). */
function wakeSignal() {
  const sleepers = new Set<() => void>();
  let last = Date.now();
  const watch = setInterval(() => {
    const now = Date.now();
    if (now - last > 10_000) wakeAll();
    last = now;
  }, 2_000);
  function wakeAll() {
    for (const resolve of sleepers) resolve();
    sleepers.clear();
  }
  return {
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          sleepers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        sleepers.add(done);
      }),
    now: wakeAll,
    dispose: () => {
      clearInterval(watch);
      wakeAll();
    },
  };
}
