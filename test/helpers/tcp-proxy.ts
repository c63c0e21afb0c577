import { connect, createServer, type Server, type Socket } from 'node:net';

type Mode = 'forward' | 'stopped' | 'blackhole';

interface Pair {
  client: Socket;
  upstream: Socket | undefined;
}

/**
 * A TCP proxy on a free local port that a test controls, to cut a server off from its database:
 * `stop()` resets every connection and refuses new ones (the database is down), `blackhole()`
 * accepts connections and keeps the open ones but passes nothing either way (a network partition),
 * `start()` forwards again.
 */
export class TcpProxy {
  private mode: Mode = 'forward';
  private server: Server | undefined;
  private readonly pairs = new Set<Pair>();

  private constructor(
    private readonly target: { host: string; port: number },
    public port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target, 0);
    await proxy.listen();
    return proxy;
  }

  /** Connections currently open through the proxy. */
  get connections(): number {
    return this.pairs.size;
  }

  /** Forwards again. After a blackhole its connections are reset: their protocol streams lost bytes. */
  async start(): Promise<void> {
    if (this.mode === 'blackhole') this.resetAll();
    this.mode = 'forward';
    if (!this.server) await this.listen();
  }

  /** Resets every connection and stops listening, so that new connections are refused. */
  async stop(): Promise<void> {
    this.mode = 'stopped';
    const server = this.server;
    this.server = undefined;
    this.resetAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Keeps every connection (and accepts new ones) but drops all bytes, in both directions. */
  async blackhole(): Promise<void> {
    this.mode = 'blackhole';
    if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    await this.stop();
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  private accept(client: Socket): void {
    if (this.mode === 'stopped') {
      client.resetAndDestroy();
      return;
    }
    const pair: Pair = { client, upstream: undefined };
    this.pairs.add(pair);
    const forget = () => {
      this.pairs.delete(pair);
      client.destroy();
      pair.upstream?.destroy();
    };
    client.on('error', forget);
    client.on('close', forget);
    client.on('data', (chunk) => {
      if (this.mode === 'forward') pair.upstream?.write(chunk);
    });
    // A connection accepted during a blackhole never reaches the database.
    if (this.mode !== 'forward') return;
    // Writes before the upstream connects are buffered by the socket.
    const upstream = (pair.upstream = connect(this.target.port, this.target.host));
    upstream.on('error', forget);
    upstream.on('close', forget);
    upstream.on('data', (chunk) => {
      if (this.mode === 'forward') client.write(chunk);
    });
  }

  private resetAll(): void {
    for (const pair of [...this.pairs]) {
      this.pairs.delete(pair);
      pair.client.resetAndDestroy();
      pair.upstream?.destroy();
    }
  }
}
