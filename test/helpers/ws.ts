import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface ClosedSocket {
  code: number;
  reason: string;
}

/** A graphql-ws client (graphql-transport-ws) for the server at `httpUrl`; it does not retry. */
export function wsClient(httpUrl: string, connectionParams?: Record<string, unknown>): Client & { closed: Promise<ClosedSocket> } {
  let onClosed: (closed: ClosedSocket) => void = () => {};
  const closed = new Promise<ClosedSocket>((resolve) => {
    onClosed = resolve;
  });
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        onClosed({ code, reason });
      },
    },
  });
  return Object.assign(client, { closed });
}

/** Runs one operation over the socket and returns its single result. */
export function wsExecute<TData = Record<string, unknown>>(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ data?: TData | null; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }> {
  return new Promise((resolve, reject) => {
    let result: { data?: TData | null; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] } | undefined;
    client.subscribe<TData>(
      { query, variables },
      {
        next: (value) => {
          result = value as typeof result;
        },
        error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)),
        complete: () => (result ? resolve(result) : reject(new Error('completed without a result'))),
      },
    );
  });
}
