import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { type BenchUser, inBatches } from './fixtures';
import type { GraphQLConnection } from './http-load';
import { ROOT } from './parley-process';
import { type ServerProcess, startServerScript } from './server-process';

/** What a chat screen built on Apollo Client subscribes to: every subscriber of S1 and S2 sends exactly this. */
export const MESSAGE_ADDED = 'subscription { messageAdded { id seq body createdAt author { id username displayName avatarUrl } chat { id } } }';

/** Parley (graphql-ws clients, as Apollo Client's GraphQLWsLink) or the bare `ws` baseline (plain sockets). */
export type SubscriberTarget = 'parley' | 'bare';

/** The part of a delivered message the load generator looks at. */
export interface Delivered {
  body: string;
  chat: { id: string };
}

export const BARE_WS = 'bare ws';

/** What the bare ws baseline is told at setup (POST /rooms): who is who, and who is in which chat. */
export interface Rooms {
  users: { id: string; username: string; token: string }[];
  chats: { id: string; memberIds: string[] }[];
}

/** Starts the bare ws baseline (bench/baselines/bare-ws.ts), pinned to the server core. */
export function startBareWs(): Promise<ServerProcess> {
  return startServerScript(join(ROOT, 'bench/baselines/bare-ws.ts'), BARE_WS);
}

/** Tells the bare ws baseline the users and each chat's members (replacing what it had). */
export async function setRooms(baseline: ServerProcess, rooms: Rooms): Promise<void> {
  const response = await fetch(new URL('/rooms', baseline.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rooms) });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`the bare ws baseline refused its rooms (${response.status})`);
}

/** The baseline's rooms for `users` and the chats `chatIds`, with members `memberLists[chat]`. */
export function roomsOf(users: BenchUser[], chatIds: string[], memberLists: BenchUser[][]): Rooms {
  return {
    users: users.map((user) => ({ id: user.id, username: user.username, token: user.token })),
    chats: chatIds.map((id, chat) => ({ id, memberIds: memberLists[chat]!.map((member) => member.id) })),
  };
}

export interface Subscriber {
  close(): Promise<void>;
}

/** Sockets opened at once: enough to keep the server busy, few enough not to time out its handshakes. */
const OPENING_BATCH = 200;
const CLOSE_TRY_AGAIN_LATER = 1013;
/** Probing for live subscriptions gives up after this long. */
const LIVE_TIMEOUT_MS = 60_000;

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
  // close() waits for the socket to be gone: the next round's sockets need its file descriptor.
  let open = false;
  let gone: (() => void) | undefined;
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    // 1013 (too many sockets just now) is retried, as a real client does; anything else is final.
    retryAttempts: 3,
    on: {
      connected: () => {
        open = true;
        connected();
      },
      closed: (event) => {
        open = false;
        gone?.();
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
  return {
    close: () =>
      new Promise<void>((resolve) => {
        if (!open) return resolve();
        gone = resolve;
        void client.dispose();
      }),
  };
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

/**
 * graphql-ws does not acknowledge a subscription: a probe message goes to every chat some socket
 * has not heard yet, and again once probes have stopped arriving for 2 s (never while a slow
 * server is still delivering the last ones: that would only pile work on it), until every socket
 * has heard each of its chats. Returns the socket-chat pairs still silent at the deadline (0 when
 * all are live).
 */
export async function probeUntilLive(
  unheard: Set<number>[],
  connections: GraphQLConnection[],
  probe: (connection: GraphQLConnection, chat: number, attempt: number) => Promise<void>,
): Promise<number> {
  const deadline = Date.now() + LIVE_TIMEOUT_MS;
  for (let attempt = 0; Date.now() < deadline; attempt += 1) {
    const silent = unheard.flatMap((sockets, chat) => (sockets.size > 0 ? [chat] : []));
    if (silent.length === 0) return 0;
    await concurrently(connections, silent.length, (connection, index) => probe(connection, silent[index]!, attempt));
    let remaining = Number.POSITIVE_INFINITY;
    let heardAt = 0;
    const progress = () => {
      const now = unheard.reduce((sum, sockets) => sum + sockets.size, 0);
      if (now < remaining) [remaining, heardAt] = [now, performance.now()];
      return heardAt;
    };
    await waitUntil(() => silent.every((chat) => unheard[chat]!.size === 0), progress, 2_000);
  }
  return unheard.reduce((sum, sockets) => sum + sockets.size, 0);
}

/** Runs `count` operations, one at a time on each connection, all connections at once. */
export async function concurrently(connections: GraphQLConnection[], count: number, operation: (connection: GraphQLConnection, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    connections.map(async (connection) => {
      while (next < count) await operation(connection, next++);
    }),
  );
}

/** Resolves when `done()` holds, or once the last progress (a performance.now() time; 0: none yet) is `quietMs` old. */
export async function waitUntil(done: () => boolean, progress: () => number, quietMs: number): Promise<void> {
  const since = performance.now();
  while (!done() && performance.now() - Math.max(progress(), since) < quietMs) await new Promise((resolve) => setTimeout(resolve, 10));
}
