import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import supertest from 'supertest';
import { createRootLogger } from '../src/common/logging/logger';
import { validateEnvironment } from '../src/config/environment';
import { createApp } from '../src/create-app';
import { expectDetail, expectOne } from './support/assertions';
import { bearer, startTestApp, TestApp, tokenFor } from './support/test-app';

/** A TCP forwarder that can be cut: it closes every open connection and refuses new ones. */
class TcpProxy {
  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    readonly port: number,
  ) {}

  static async start(host: string, port: number): Promise<TcpProxy> {
    const sockets = new Set<Socket>();
    const server = createServer((client) => {
      const upstream = connect(port, host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new TcpProxy(server, sockets, (server.address() as AddressInfo).port);
  }

  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

describe('Health', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  // /health/ready also shows the change-event relay (its lag and failures: information, not readiness).
  const RELAY = {
    event_relay: {
      oldest_pending_seconds: expect.any(Number),
      pending_events: expect.any(Number),
      pending_deliveries: expect.any(Number),
      failed_deliveries_last_hour: expect.any(Number),
      paused_subscriptions: expect.any(Number),
    },
    // No DATABASE_REPLICA_URLS: the primary serves every read.
    replicas: [],
  };
  const BODIES: Record<string, object> = { '/health/live': { status: 'ok' }, '/health/ready': { status: 'ok', ...RELAY } };

  it.each(['/health/live', '/health/ready'])('%s answers 200 without a token, in the envelope', async (path) => {
    const response = await t.http.get(path).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expectOne(response, BODIES[path]);
  });

  it.each(['/health/live', '/health/ready'])('%s ignores a bad token instead of refusing it', async (path) => {
    const response = await t.http.get(path).set('Authorization', 'Bearer garbage').expect(200);
    expect(response.body.data).toEqual(BODIES[path]);
  });

  it('echoes the caller’s X-Request-ID', async () => {
    const response = await t.http.get('/health/live').set('X-Request-ID', 'probe-42').expect(200);
    expect(response.headers['x-request-id']).toBe('probe-42');
    expect(response.body.meta.request_id).toBe('probe-42');
  });

  it('is described in the OpenAPI document without security', async () => {
    const document = (await t.http.get('/openapi.json').expect(200)).body;
    for (const path of ['/health/live', '/health/ready']) {
      const operation = document.paths[path]?.get;
      expect(operation).toBeDefined();
      // No requirement: either absent, or an explicit empty list overriding a document-wide one.
      expect(operation.security ?? []).toEqual([]);
      expect(Object.keys(operation.responses)).toContain('200');
      expect(Object.keys(operation.responses)).not.toContain('401');
    }
    expect(Object.keys(document.paths['/health/ready'].get.responses)).toContain('503');
  });

  describe('when the database becomes unreachable', () => {
    let proxy: TcpProxy;
    let app: NestFastifyApplication | undefined;
    let http: supertest.Agent;
    const tenantId = '7d9f3c2e-1b4a-4c8e-9f0a-2b3c4d5e6f70';

    beforeAll(async () => {
      // The application reaches PostgreSQL through a proxy that the test can cut.
      const target = new URL(process.env.TEST_DATABASE_URL!);
      proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
      const url = new URL(target.toString());
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      const env = validateEnvironment({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_MIGRATIONS_RUN: 'false' });
      app = await createApp(env, url.toString(), createRootLogger('silent'));
      await app.getHttpAdapter().getInstance().ready();
      http = supertest.agent(app.getHttpServer());
      await http.get('/health/ready').expect(200);
      await proxy.cut();
    });

    afterAll(async () => {
      await app?.close().catch(() => undefined);
    });

    it('still answers /health/live with 200', async () => {
      const response = await http.get('/health/live').expect(200);
      expect(response.body.data).toEqual({ status: 'ok' });
    });

    it('answers /health/ready with 503 and Retry-After', async () => {
      const response = await http.get('/health/ready').expect(503);
      expect(response.headers['retry-after']).toMatch(/^\d+$/);
      expectDetail(response);
    });

    it('answers API requests with 503 and Retry-After, never a 500 or driver text', async () => {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const response = await http.get(`/api/v1/tenants/${tenantId}/users`).set(bearer(tokenFor(tenantId)));
        expect(response.status).toBe(503);
        expect(response.headers['retry-after']).toMatch(/^\d+$/);
        expectDetail(response);
        expect(response.body.detail).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|terminated|postgres/i);
      }
    });
  });
});
