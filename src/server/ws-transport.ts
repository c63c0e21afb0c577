import type { IncomingMessage } from 'node:http';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { Logger } from 'pino';
import type { WebSocket, WebSocketServer } from 'ws';
import { Deadlines } from '../realtime/deadlines';
import type { Metrics } from './metrics';

/** What graphql-ws keeps of each connection: the socket, and what was read off its upgrade request (not the request itself). */
export interface SocketExtra {
  readonly socket: WebSocket;
  readonly clientAddress: string;
  readonly userAgent: string | undefined;
}

type Server = ReturnType<typeof makeServer<Record<string, unknown> | undefined, SocketExtra>>;
type Closed = ReturnType<Server['opened']>;

/** What the sockets of one server share. */
interface Transport {
  logger: Logger;
  /** Sockets that have not sent `connection_init` yet. */
  awaitingInit: Deadlines<WebSocket>;
}

/**
 * One socket as graphql-ws sees it. A class, and the socket's listeners are functions shared by
 * every socket (ws calls them with the socket as `this`): an idle socket holds no closures of ours.
 */
class Connection {
  handle: ((data: string) => Promise<void>) | undefined;
  closed: Closed | undefined;

  constructor(
    readonly socket: WebSocket,
    private readonly transport: Transport,
  ) {}

  get protocol(): string {
    return this.socket.protocol;
  }

  send(data: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(data);
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    this.handle = handle;
  }

  receive(data: string): void {
    this.handle?.(data).catch((error: unknown) => {
      this.transport.logger.error({ err: error }, 'socket message failed');
      this.socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
  }

  errored(error: Error): void {
    this.transport.logger.warn({ err: error.message }, 'socket error');
    this.socket.close(CloseCode.InternalServerError, 'Internal server error');
  }

  ended(code: number, reason: string): void {
    this.transport.awaitingInit.delete(this.socket);
    void this.closed?.(code, reason);
  }
}

const connections = new WeakMap<WebSocket, Connection>();

function onSocketMessage(this: WebSocket, data: Buffer): void {
  connections.get(this)?.receive(String(data));
}

function onSocketClose(this: WebSocket, code: number, reason: Buffer): void {
  connections.get(this)?.ended(code, String(reason));
  connections.delete(this);
}

function onSocketError(this: WebSocket, error: Error): void {
  connections.get(this)?.errored(error);
}

/**
 * graphql-ws on a `ws` server: what `graphql-ws/use/ws` does, less what Parley does once for all
 * sockets or not at all. It keeps no timer per socket: one sweep pings every socket (see
 * `pingIdleSockets`), and sockets that have not sent `connection_init` within `initTimeoutMs` are
 * closed from one-second buckets (4408, as graphql-ws would). A delivery is a plain write: no promise
 * and callback per frame, since a socket that cannot keep up is closed by its buffered amount
 * instead (`keepsUp` in websocket.ts). Nor does it keep each upgrade request (headers and all) for
 * the life of the socket. Call `initialized(socket)` once a socket's `connection_init` is taken.
 */
export function serveGraphQLWs<P extends Record<string, unknown> | undefined>(
  options: ServerOptions<P, SocketExtra>,
  wss: WebSocketServer,
  logger: Logger,
  addressOf: (request: IncomingMessage) => string,
  initTimeoutMs: number,
  metrics: Pick<Metrics, 'socketOpened'>,
): { initialized(socket: WebSocket): void; dispose(): Promise<void> } {
  const server = makeServer({ ...options, connectionInitWaitTimeout: 0 });
  const awaitingInit = new Deadlines<WebSocket>((socket) => socket.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout'));
  const transport: Transport = { logger, awaitingInit };
  wss.options.handleProtocols = handleProtocols;
  // ws re-emits the HTTP server's errors here: without a listener one would end the process.
  wss.on('error', (error) => logger.error({ err: error }, 'websocket server error'));
  wss.on('connection', (socket, request) => {
    const connection = new Connection(socket, transport);
    connections.set(socket, connection);
    metrics.socketOpened();
    socket.on('error', onSocketError);
    socket.on('message', onSocketMessage);
    socket.on('close', onSocketClose);
    awaitingInit.add(socket, Date.now() + initTimeoutMs);
    connection.closed = server.opened(connection, { socket, clientAddress: addressOf(request), userAgent: request.headers['user-agent'] });
  });
  wss.on('close', () => awaitingInit.close());
  return {
    initialized: (socket) => awaitingInit.delete(socket),
    dispose: async () => {
      awaitingInit.close();
      for (const client of wss.clients) client.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
