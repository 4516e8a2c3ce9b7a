import { randomUUID } from 'node:crypto';
import { runSql } from '../src/common/database/run-sql';
import { ReadRouter } from '../src/replicas/read-router';
import { parseWalPosition } from '../src/replicas/wal-position';
import { createTenant, createUser, expectValidationError, type TenantFixture } from './support/fixtures';
import { bearer, startTestApp, type TestApp } from './support/test-app';

/**
 * Read-your-writes: every successful write answers with `Consistency-Token` (the primary's
 * WAL position after its commit), and the heavy reads take it back. The replicas themselves
 * (a real streaming standby, delayed, stopped) are exercised by the cluster suite
 * (test/cluster); here the token's contract and the routing without a usable replica.
 */
describe('Consistency-Token', () => {
  let t: TestApp;
  let tenant: TenantFixture;
  const users = () => `/api/v1/tenants/${tenant.id}/users`;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenant(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const walNow = async () =>
    parseWalPosition((await runSql<{ p: string }>(t.dataSource, 'SELECT pg_current_wal_insert_lsn()::text AS p', [])).rows[0].p)!;

  it('comes with a write: a WAL position past the commit, at or before the position after it', async () => {
    const before = await walNow();
    const response = await t.http
      .post(users())
      .set(bearer(tenant.token))
      .send({ email: `${randomUUID()}@example.com`, display_name: 'Token' })
      .expect(201);
    const after = await walNow();
    const token = response.headers['consistency-token'];
    expect(token).toMatch(/^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/);
    const position = parseWalPosition(token)!;
    expect(position).toBeGreaterThan(before);
    expect(position).toBeLessThanOrEqual(after);
  });

  it('comes with every kind of write (PATCH, DELETE 204), each later than the one before', async () => {
    const id = await createUser(t, tenant);
    const patched = await t.http.patch(`${users()}/${id}`).set(bearer(tenant.token)).send({ display_name: 'B' }).expect(200);
    const deleted = await t.http.delete(`${users()}/${id}`).set(bearer(tenant.token)).expect(204);
    const first = parseWalPosition(patched.headers['consistency-token'])!;
    const second = parseWalPosition(deleted.headers['consistency-token'])!;
    expect(second).toBeGreaterThan(first);
  });

  it('comes with a replayed Idempotency-Key answer (the write it replays committed before)', async () => {
    const key = randomUUID();
    const body = { email: `${randomUUID()}@example.com`, display_name: 'Once' };
    const first = await t.http.post(users()).set(bearer(tenant.token)).set('Idempotency-Key', key).send(body).expect(201);
    const replay = await t.http.post(users()).set(bearer(tenant.token)).set('Idempotency-Key', key).send(body).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(parseWalPosition(replay.headers['consistency-token'])!).toBeGreaterThanOrEqual(
      parseWalPosition(first.headers['consistency-token'])!,
    );
  });

  it('is not sent by a write that failed, nor by a read', async () => {
    const email = `${randomUUID()}@example.com`;
    await t.http.post(users()).set(bearer(tenant.token)).send({ email, display_name: 'A' }).expect(201);
    const duplicate = await t.http.post(users()).set(bearer(tenant.token)).send({ email, display_name: 'A' }).expect(409);
    expect(duplicate.headers['consistency-token']).toBeUndefined();
    const invalid = await t.http.post(users()).set(bearer(tenant.token)).send({ email: 'nope' }).expect(422);
    expect(invalid.headers['consistency-token']).toBeUndefined();
    const read = await t.http.get(users()).set(bearer(tenant.token)).expect(200);
    expect(read.headers['consistency-token']).toBeUndefined();
  });

  it('taken back by a routed read, shows the write (the primary serves it without replicas)', async () => {
    const router = t.app.get(ReadRouter);
    const servedBefore =
      router.readCounts().find((count) => count.readClass === 'lists' && count.pool === 'requests')?.reads ?? 0;
    const email = `${randomUUID()}@example.com`;
    const written = await t.http.post(users()).set(bearer(tenant.token)).send({ email, display_name: 'Mine' }).expect(201);
    const read = await t.http
      .get(users())
      .query({ q: email })
      .set(bearer(tenant.token))
      .set('Consistency-Token', written.headers['consistency-token'])
      .expect(200);
    expect(read.body.data.map((user: { email: string }) => user.email)).toEqual([email]);
    const servedAfter = router.readCounts().find((count) => count.readClass === 'lists' && count.pool === 'requests')!.reads;
    // Three statements: the tenant's existence, the page and its total.
    expect(servedAfter).toBe(servedBefore + 3);
  });

  it.each(['latest', '0/', '1/2/3', '123456789/0', 'G/1', ''])(
    'malformed (%p) on a routed read is a 422 that names the header',
    async (token) => {
      const response = await t.http.get(users()).set(bearer(tenant.token)).set('Consistency-Token', token).expect(422);
      expectValidationError(response.body, ['header', 'consistency-token'], 'consistency_token_invalid');
    },
  );

  it('is documented: a parameter of the routed reads, a response header of the writes (not of the read-only POST)', async () => {
    const document = (await t.http.get('/openapi.json').expect(200)).body;
    const list = document.paths['/api/v1/tenants/{tenant_id}/users'];
    expect(list.get.parameters.map((parameter: { name: string }) => parameter.name)).toContain('Consistency-Token');
    expect(Object.keys(list.post.responses['201'].headers ?? {})).toContain('Consistency-Token');
    const checks = document.paths['/api/v1/tenants/{tenant_id}/access-checks'];
    expect(Object.keys(checks.post.responses['200'].headers ?? {})).not.toContain('Consistency-Token');
    const single = document.paths['/api/v1/tenants/{tenant_id}/users/{user_id}'];
    expect(single.get.parameters.map((parameter: { name: string }) => parameter.name)).not.toContain('Consistency-Token');
  });
});

const METRICS_TOKEN = 'metrics-token-for-the-replica-tests-0123456789';

describe('Replicas that cannot serve', () => {
  let t: TestApp;
  let tenant: TenantFixture;

  beforeAll(async () => {
    // The primary's own database is no standby, and nothing listens on port 1.
    t = await startTestApp({
      DATABASE_REPLICA_URLS: `${process.env.TEST_DATABASE_URL},postgres://postgres@127.0.0.1:1/none`,
      DATABASE_REPLICA_CHECK_MS: '50',
      METRICS_TOKEN: METRICS_TOKEN,
    });
    tenant = await createTenant(t);
    await t.app.get(ReadRouter).checkAll();
  });

  afterAll(async () => {
    await t.close();
  });

  it('are skipped, and /health/ready says so without naming their addresses', async () => {
    const response = await t.http.get('/health/ready').expect(200);
    expect(response.body.data.replicas).toEqual([
      { name: 'replica1', serving: false, lag_seconds: null },
      { name: 'replica2', serving: false, lag_seconds: null },
    ]);
    expect(JSON.stringify(response.body)).not.toContain('127.0.0.1');
    const reasons = t.app
      .get(ReadRouter)
      .status()
      .map((replica) => replica.reason);
    expect(reasons[0]).toBe('not a streaming standby');
    expect(reasons[1]).toMatch(/^unreachable: /);
  });

  it('leave every read to the primary, which answers it correctly, with or without a token', async () => {
    const router = t.app.get(ReadRouter);
    const id = await createUser(t, tenant, `${randomUUID()}@example.com`);
    const served = () => router.readCounts().filter((count) => count.pool !== 'requests');
    for (const token of [undefined, '0/0']) {
      const request = t.http.get(`/api/v1/tenants/${tenant.id}/users`).set(bearer(tenant.token));
      const response = await (token ? request.set('Consistency-Token', token) : request).expect(200);
      expect(response.body.data.map((user: { id: string }) => user.id)).toEqual([id]);
    }
    expect(served()).toEqual([]);
    expect(router.readCounts().find((count) => count.readClass === 'lists')).toEqual({
      readClass: 'lists',
      pool: 'requests',
      reads: 6, // two requests, each the tenant's existence, a page and its total
    });
  });

  it('are in /metrics: skipped, lag unknown, their pools observed, and the reads counted on the primary pool', async () => {
    const text = (await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200)).text;
    expect(text).toContain('iam_db_replica_serving{replica="replica1"} 0');
    expect(text).toContain('iam_db_replica_serving{replica="replica2"} 0');
    expect(text).not.toContain('iam_db_replica_lag_seconds{');
    expect(text).toMatch(/iam_db_pool_max\{pool="replica1"\} \d+/);
    expect(text).toContain('iam_db_read_statements_total{read_class="lists",pool="requests"} 6');
    expect(text).not.toMatch(/iam_db_read_statements_total\{[^}]*pool="replica/);
  });
});
