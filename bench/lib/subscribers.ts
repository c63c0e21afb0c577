import { readFileSync } from 'node:fs';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { inBatches } from './fixtures';

/** What a chat screen built on Apollo Client subscribes to: every subscriber of S1 and S2 sends exactly this. */
export const MESSAGE_ADDED = 'subscription { messageAdded { id seq body createdAt author { id username displayName avatarUrl } chat { id } } }';

/** Parley (graphql-ws clients, as Apollo Client's GraphQLWsLink) or the bare `ws` baseline (plain sockets). */
export type SubscriberTarget = 'parley' | 'bare';

/** The part of a delivered message the load generator looks at. */
export interface Delivered {
  body: string;
  chat: { id: string };
}

export interface Subscriber {
  close(): Promise<void>;
}

/** Sockets opened at once: enough to keep the server busy, few enough not to time out its handshakes. */
const OPENING_BATCH = 200;
const CLOSE_TRY_AGAIN_LATER = 1013;

/**
 * Opens one subscriber socket per token, spread round-robin over `urls` (http(s) URLs of
 * /graphql), each with one `messageAdded` subscription for Parley, and resolves once every
 * socket is connected (graphql-ws: acknowledged; the subscription itself has no acknowledgement,
 * so callers prove it live with a probe message). `onMessage(socket, message)` gets every
 * delivery; `onError` every error a subscription reports.
 */
export async function openSubscribers(
  target: SubscriberTarget,
  urls: string[],
  tokens: string[],
  onMessage: (socket: number, message: Delivered) => void,
  onError: (error: string) => void,
): Promise<Subscriber[]> {
  const wsUrls = urls.map((url) => url.replace(/^http/, 'ws'));
  const open = target === 'parley' ? openParley : openBare;
  return inBatches(tokens.length, OPENING_BATCH, (socket) =>
    open(wsUrls[socket % wsUrls.length]!, tokens[socket]!, (message) => onMessage(socket, message), onError),
  );
}

async function openParley(url: string, token: string, onMessage: (message: Delivered) => void, onError: (error: string) => void): Promise<Subscriber> {
  let connected!: () => void;
  let failed!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => ((connected = resolve), (failed = reject)));
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    // 1013 (too many sockets just now) is retried, as a real client does; anything else is final.
    retryAttempts: 3,
    on: {
      connected: () => connected(),
      closed: (event) => {
        const code = (event as { code?: number }).code;
        if (code !== CLOSE_TRY_AGAIN_LATER) failed(new Error(`socket closed before it was acknowledged: ${code}`));
      },
    },
  });
  client.subscribe<{ messageAdded: Delivered }>(
    { query: MESSAGE_ADDED },
    {
      next: (result) => {
        if (result.data) onMessage(result.data.messageAdded);
        else onError(JSON.stringify(result.errors));
      },
      error: (error) => {
        const message = error instanceof Error ? error.message : `closed: ${(error as { code?: number }).code}`;
        failed(new Error(message));
        onError(message);
      },
      complete: () => {},
    },
  );
  await ready;
  return { close: async () => client.dispose() };
}

async function openBare(url: string, token: string, onMessage: (message: Delivered) => void, onError: (error: string) => void): Promise<Subscriber> {
  const socket = new WebSocket(`${url}?token=${encodeURIComponent(token)}`);
  socket.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString('utf8')) as { payload: { data: { messageAdded: Delivered } } };
    onMessage(frame.payload.data.messageAdded);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.on('error', (error) => onError(error.message));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close();
      }),
  };
}

/** A process's resident memory (VmRSS) in KiB, from /proc. */
export function residentKiB(pid: number): number {
  const line = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line[1]);
}
