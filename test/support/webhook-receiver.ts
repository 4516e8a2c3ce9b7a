import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: { id: string; type: string; tenant_id: string; data: Record<string, unknown> } & Record<string, unknown>;
  /** The status this receiver answered. */
  status: number;
}

/** A real HTTP receiver on 127.0.0.1: records every POST, answers what `respond` says (200 by default). */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  respond: (delivery: Omit<ReceivedDelivery, 'status'>, index: number) => number = () => 200;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(path = '/hook'): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const delivery = { headers: req.headers, rawBody, body: JSON.parse(rawBody) as ReceivedDelivery['body'] };
        const status = receiver!.respond(delivery, receiver!.received.length);
        receiver!.received.push({ ...delivery, status });
        res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}${path}`);
    return receiver;
  }

  /** The deliveries it accepted (2xx), in arrival order. */
  get accepted(): ReceivedDelivery[] {
    return this.received.filter((delivery) => delivery.status < 300);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
