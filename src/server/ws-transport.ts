import type { IncomingMessage } from 'node:http';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { Logger } from 'pino';
import type { WebSocket, WebSocketServer } from 'ws';

/** What graphql-ws keeps of each connection: the socket, and what was read off its upgrade request (not the request itself). */
export interface SocketExtra {
  readonly socket: WebSocket;
  readonly clientAddress: string;
  readonly userAgent: string | undefined;
}

/**
 * graphql-ws on a `ws` server: what `graphql-ws/use/ws` does, less what Parley does once for all
 * sockets or not at all. It keeps no keep-alive timer per socket (one sweep pings every socket,
 * see `pingIdleSockets`), and a delivery is a plain write: no promise and callback per frame, since
 * a socket that cannot keep up is closed by its buffered amount instead (`keepsUp` in websocket.ts).
 * Nor does it keep each upgrade request (headers and all) for the life of the socket.
 */
export function serveGraphQLWs<P extends Record<string, unknown> | undefined>(
  options: ServerOptions<P, SocketExtra>,
  wss: WebSocketServer,
  logger: Logger,
  addressOf: (request: IncomingMessage) => string,
): { dispose(): Promise<void> } {
  const server = makeServer(options);
  wss.options.handleProtocols = handleProtocols;
  // ws re-emits the HTTP server's errors here: without a listener one would end the process.
  wss.on('error', (error) => logger.error({ err: error }, 'websocket server error'));
  wss.on('connection', (socket, request) => {
    socket.once('error', (error) => {
      logger.warn({ err: error.message }, 'socket error');
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) => {
          if (socket.readyState === socket.OPEN) socket.send(data);
        },
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', async (data) => {
            try {
              await handle(String(data));
            } catch (error) {
              logger.error({ err: error }, 'socket message failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            }
          }),
      },
      { socket, clientAddress: addressOf(request), userAgent: request.headers['user-agent'] },
    );
    socket.once('close', (code, reason) => void closed(code, String(reason)));
  });
  return {
    dispose: async () => {
      for (const client of wss.clients) client.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
