import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';

/**
 * A TCP forwarder between the application and PostgreSQL that a test can break:
 * - cut(): closes every open connection and refuses new ones (the database stopped);
 * - blackhole(): closes every open connection, then accepts new ones and never answers
 *   (a database host that is gone from the network);
 * - stall(): keeps every connection open but stops forwarding on it, and answers no new
 *   one (a network partition: no reset ever arrives);
 * - restore(): forwards again, on the same port.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly pairs = new Set<[Socket, Socket]>();
  private mode: 'forward' | 'blackhole' = 'forward';

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
    public port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort, 0);
    await proxy.listen();
    return proxy;
  }

  /** The given database URL, reached through this proxy. */
  rewrite(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  async cut(): Promise<void> {
    const closed = this.closeListener();
    this.destroyAll();
    await closed;
  }

  async blackhole(): Promise<void> {
    this.destroyAll();
    this.mode = 'blackhole';
    if (!this.server) await this.listen();
  }

  async stall(): Promise<void> {
    this.mode = 'blackhole';
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
    if (!this.server) await this.listen();
  }

  async restore(): Promise<void> {
    this.destroyAll();
    this.mode = 'forward';
    if (!this.server) await this.listen();
  }

  async stop(): Promise<void> {
    const closed = this.closeListener();
    this.destroyAll();
    await closed;
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  private destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.pairs.clear();
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => {
      this.track(client);
      if (this.mode === 'blackhole') return; // accepted, never answered
      const upstream = connect(this.targetPort, this.targetHost);
      this.track(upstream);
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      client.on('close', () => this.pairs.delete(pair));
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Stops accepting at once; the promise settles when the open connections are gone too. */
  private closeListener(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    return server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
  }
}
