import { randomUUID } from 'node:crypto';
import { BackgroundWorker } from '../src/background/background-worker';
import { MetricsServer } from '../src/metrics/metrics.server';
import { addMember, createGroup, createTenant, createUser } from './support/fixtures';
import { type IsolatedApp, startIsolatedApp } from './support/isolated-app';
import { bearer, platformAdminToken, startTestApp, type TestApp } from './support/test-app';

/** One line of the Prometheus text format: `name{label="value",...} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[name] = value;
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The samples of `name` whose labels include `labels`. */
function samplesOf(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
}

/** The value of the one sample of `name` with exactly these labels (undefined when there is none). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter(
    (sample) =>
      sample.name === name &&
      Object.keys(sample.labels).length === Object.keys(labels).length &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0]?.value;
}

const TOKEN = 'metrics-token-for-the-tests-0123456789abcdef';
const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

function metricsUrl(server: MetricsServer, path = '/metrics'): string {
  const address = server.address();
  if (!address) throw new Error('the metrics server is not listening');
  return `http://127.0.0.1:${address.port}${path}`;
}

describe('Metrics on METRICS_PORT (no token)', () => {
  let t: IsolatedApp;
  let server: MetricsServer;

  async function scrape(): Promise<Sample[]> {
    const response = await fetch(metricsUrl(server));
    expect(response.status).toBe(200);
    return parseSamples(await response.text());
  }

  beforeAll(async () => {
    // A database of its own, so the relay's figures are this suite's alone; the relay runs when the test says so.
    t = await startIsolatedApp('metrics', { METRICS_PORT: '0', DATABASE_POOL_SIZE: '7', BACKGROUND_WORKERS: 'false' });
    server = t.app.get(MetricsServer);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('listens on the loopback interface and answers in the Prometheus text format', async () => {
    expect(server.address()?.address).toBe('127.0.0.1');
    const response = await fetch(metricsUrl(server));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    expect(text).toContain('# TYPE iam_http_requests_total counter');
    expect(text).toContain('# TYPE iam_http_request_duration_seconds histogram');
    expect(text).toContain('# TYPE iam_nodejs_gc_duration_seconds histogram');
  });

  it('counts requests by method, route template and status, and times them', async () => {
    const tenant = await createTenant(t);
    for (let i = 0; i < 3; i += 1) {
      await t.http.get(`/api/v1/tenants/${tenant.id}`).set(bearer(tenant.token)).expect(200);
    }
    const missingUser = randomUUID();
    await t.http.get(`/api/v1/tenants/${tenant.id}/users/${missingUser}`).set(bearer(tenant.token)).expect(404);
    const unknownPath = `/api/v1/no-such-route/${randomUUID()}`;
    await t.http.get(unknownPath).set(bearer(tenant.token)).expect(404);
    await t.http.get('/api/v1/another-unknown-path').expect(404);
    await t.http.post('/api/v1/tenants').set(bearer(platformAdminToken())).send({ name: '' }).expect(422);

    const samples = await scrape();
    const requests = (method: string, route: string, status: string) =>
      valueOf(samples, 'iam_http_requests_total', { method, route, status });
    expect(requests('GET', '/api/v1/tenants/:tenant_id', '200')).toBe(3);
    expect(requests('POST', '/api/v1/tenants', '201')).toBe(1);
    expect(requests('POST', '/api/v1/tenants', '422')).toBe(1);
    expect(requests('GET', '/api/v1/tenants/:tenant_id/users/:user_id', '404')).toBe(1);
    // Both unknown paths share one series.
    expect(requests('GET', 'unmatched', '404')).toBe(2);

    const timed = { method: 'GET', route: '/api/v1/tenants/:tenant_id', status: '200' };
    expect(valueOf(samples, 'iam_http_request_duration_seconds_count', timed)).toBe(3);
    expect(valueOf(samples, 'iam_http_request_duration_seconds_bucket', { ...timed, le: '+Inf' })).toBe(3);
    const buckets = samplesOf(samples, 'iam_http_request_duration_seconds_bucket', timed);
    expect(buckets.map((bucket) => bucket.labels.le)).toEqual([
      '0.001',
      '0.0025',
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '10',
      '+Inf',
    ]);
    const counts = buckets.map((bucket) => bucket.value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    const seconds = valueOf(samples, 'iam_http_request_duration_seconds_sum', timed)!;
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(3 * 5);
    const unmatched = { method: 'GET', route: 'unmatched', status: '404' };
    expect(valueOf(samples, 'iam_http_request_duration_seconds_count', unmatched)).toBe(2);
    expect(valueOf(samples, 'iam_http_request_duration_seconds_sum', unmatched)).toBeGreaterThan(0);
  });

  it('never labels a series with a raw URL', async () => {
    const tenant = await createTenant(t);
    await t.http.get(`/api/v1/tenants/${tenant.id}/users/${randomUUID()}`).set(bearer(tenant.token)).expect(404);
    const response = await fetch(metricsUrl(server));
    const text = await response.text();
    expect(text).not.toMatch(UUID_IN_TEXT);
    expect(text).not.toContain('no-such-route');
    const routes = new Set(samplesOf(parseSamples(text), 'iam_http_requests_total').map((sample) => sample.labels.route));
    for (const route of routes) expect(route === 'unmatched' || /^\/[a-z0-9/_.:-]*$/.test(route)).toBe(true);
  });

  it('shows the size and use of both connection pools', async () => {
    await t.http.get('/health/ready').expect(200);
    const samples = await scrape();
    expect(valueOf(samples, 'iam_db_pool_max', { pool: 'requests' })).toBe(7);
    expect(valueOf(samples, 'iam_db_pool_max', { pool: 'background' })).toBe(2);
    const requests = (state: string) => valueOf(samples, 'iam_db_pool_connections', { pool: 'requests', state })!;
    expect(requests('total')).toBeGreaterThanOrEqual(1);
    expect(requests('total')).toBeLessThanOrEqual(7);
    expect(requests('idle')).toBeLessThanOrEqual(requests('total'));
    expect(requests('waiting')).toBe(0);
    for (const state of ['total', 'idle', 'waiting']) {
      const value = valueOf(samples, 'iam_db_pool_connections', { pool: 'background', state })!;
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(2);
    }
  });

  it('shows the relay falling behind and catching up, and counts what it relayed', async () => {
    const tenant = await createTenant(t);
    const group = await createGroup(t, tenant);
    for (let i = 0; i < 3; i += 1) await addMember(t, tenant, group, await createUser(t, tenant));
    const [{ pending }] = await t.dataSource.query<Array<{ pending: number }>>(
      'SELECT count(*)::int AS pending FROM change_events WHERE relayed_at IS NULL',
    );
    expect(pending).toBeGreaterThanOrEqual(3);

    const behind = await scrape();
    expect(valueOf(behind, 'iam_event_relay_pending_events')).toBe(pending);
    expect(valueOf(behind, 'iam_event_relay_lag_seconds')).toBeGreaterThan(0);
    expect(valueOf(behind, 'iam_event_relay_lag_seconds')).toBeLessThan(60);
    expect(valueOf(behind, 'iam_event_relay_batches_total')).toBe(0);
    expect(valueOf(behind, 'iam_event_relay_events_total')).toBe(0);

    await t.app.get(BackgroundWorker).drain();
    const caughtUp = await scrape();
    expect(valueOf(caughtUp, 'iam_event_relay_pending_events')).toBe(0);
    expect(valueOf(caughtUp, 'iam_event_relay_lag_seconds')).toBe(0);
    expect(valueOf(caughtUp, 'iam_event_relay_batches_total')).toBe(1);
    expect(valueOf(caughtUp, 'iam_event_relay_events_total')).toBe(pending);
    // No subscriptions: no delivery attempts, each outcome present at 0.
    for (const outcome of ['delivered', 'retrying', 'failed']) {
      expect(valueOf(caughtUp, 'iam_webhook_deliveries_total', { outcome })).toBe(0);
    }
  });

  it('reports the process with the iam_ prefix', async () => {
    const samples = await scrape();
    expect(valueOf(samples, 'iam_process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    expect(valueOf(samples, 'iam_process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'iam_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(samples.some((sample) => sample.name.startsWith('nodejs_') || sample.name.startsWith('process_'))).toBe(false);
  });

  it('serves GET /metrics only: other paths and methods are 404', async () => {
    expect((await fetch(metricsUrl(server, '/metrics?debug=1'))).status).toBe(200);
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/health/live'],
      ['GET', '/metrics/extra'],
      ['POST', '/metrics'],
      ['DELETE', '/metrics'],
    ]) {
      const response = await fetch(metricsUrl(server, path), { method });
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
      expect(await response.json()).toEqual({ detail: 'Not Found' });
    }
  });

  it('has no /metrics on the API port without METRICS_TOKEN', async () => {
    await t.http.get('/metrics').expect(404);
    await t.http.get('/metrics').set(bearer(platformAdminToken())).expect(404);
  });

  it('closes the metrics port when the application shuts down', async () => {
    const url = metricsUrl(server);
    await t.close();
    expect(server.address()).toBeUndefined();
    await expect(fetch(url)).rejects.toThrow();
    t = undefined as unknown as IsolatedApp;
  });
});

describe('Metrics with METRICS_TOKEN', () => {
  let t: TestApp;
  let server: MetricsServer;

  beforeAll(async () => {
    t = await startTestApp({ METRICS_PORT: '0', METRICS_TOKEN: TOKEN });
    server = t.app.get(MetricsServer);
  });

  afterAll(async () => {
    await t.close();
  });

  const refusals: Array<[string, Record<string, string>, string]> = [
    ['no Authorization header', {}, 'Not authenticated'],
    ['another scheme', { Authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }, 'Not authenticated'],
    ['a wrong token of the same length', { Authorization: `Bearer ${TOKEN.slice(0, -1)}X` }, 'Invalid token'],
    ['a prefix of the token', { Authorization: `Bearer ${TOKEN.slice(0, 32)}` }, 'Invalid token'],
    ['a valid API token (JWT)', bearer(platformAdminToken()), 'Invalid token'],
  ];

  it.each(refusals)('refuses a scrape with %s on the API port: 401 in the error shape', async (_, headers, detail) => {
    const response = await t.http.get('/metrics').set(headers).expect(401);
    expect(response.body).toEqual({ detail });
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="iam"/);
    expect(response.text).not.toContain('iam_http_requests_total');
  });

  it.each(refusals)('refuses a scrape with %s on the metrics port: 401 in the error shape', async (_, headers, detail) => {
    const response = await fetch(metricsUrl(server), { headers });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="iam"/);
    expect(await response.json()).toEqual({ detail });
  });

  it('serves the metrics on both ports with the token, counting the API port’s scrapes under route="/metrics"', async () => {
    await t.http.get('/metrics').expect(401);
    const api = await t.http.get('/metrics').set(bearer(TOKEN)).expect(200);
    expect(api.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const port = await fetch(metricsUrl(server), { headers: bearer(TOKEN) });
    expect(port.status).toBe(200);
    const samples = parseSamples(await port.text());
    expect(valueOf(samples, 'iam_http_requests_total', { method: 'GET', route: '/metrics', status: '200' })).toBe(1);
    expect(
      valueOf(samples, 'iam_http_requests_total', { method: 'GET', route: '/metrics', status: '401' }),
    ).toBeGreaterThanOrEqual(1 + refusals.length);
  });

  it('keeps its figures apart from the other applications of the process (a registry per application)', async () => {
    const samples = parseSamples(await (await fetch(metricsUrl(server), { headers: bearer(TOKEN) })).text());
    // This application served no tenant request (the first suite's did, in a registry of its own).
    expect(samplesOf(samples, 'iam_http_requests_total', { route: '/api/v1/tenants/:tenant_id' })).toEqual([]);
  });

  it('leaves /metrics out of the OpenAPI document', async () => {
    const document = (await t.http.get('/openapi.json').expect(200)).body as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).not.toContain('/metrics');
    expect(Object.keys(document.paths).length).toBeGreaterThan(10);
  });
});
