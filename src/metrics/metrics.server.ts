import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { toErrorReply } from '../common/http/error-response';
import { Environment } from '../config/environment';
import { Metrics } from './metrics.service';
import { MetricsAuth } from './metrics-auth';

/**
 * The metrics server, when METRICS_PORT is set: a plain HTTP server on METRICS_HOST
 * (loopback by default) that answers `GET /metrics` and nothing else (404), with the
 * METRICS_TOKEN bearer when one is set. It opens when the application starts (API
 * processes and `npm run worker` alike) and closes when the application shuts down.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private readonly auth: MetricsAuth;
  private server?: Server;

  constructor(
    private readonly metrics: Metrics,
    private readonly env: Environment,
  ) {
    this.auth = new MetricsAuth(env.METRICS_TOKEN);
  }

  /** Where the server listens (undefined when METRICS_PORT is unset or it has closed). */
  address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.env.METRICS_PORT === undefined) return;
    const server = createServer((request, response) => void this.answer(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.env.METRICS_PORT, this.env.METRICS_HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const { address, port } = this.address()!;
    this.logger.log({ msg: 'metrics server listening', address, port });
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // Scrapes in progress finish; idle keep-alive connections (Prometheus keeps one) are closed.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?', 1)[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      sendJson(response, 404, { detail: 'Not Found' });
      return;
    }
    const refusal = this.auth.refusal(request.headers.authorization);
    if (refusal) {
      sendJson(response, refusal.status, refusal.body, refusal.headers);
      return;
    }
    try {
      const text = await this.metrics.registry.metrics();
      response.writeHead(200, { 'Content-Type': this.metrics.registry.contentType }).end(text);
    } catch (error) {
      this.logger.error({ msg: 'metrics collection failed', err: String(error) });
      const failed = toErrorReply(error);
      sendJson(response, failed.status, failed.body);
    }
  }
}

function sendJson(response: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
