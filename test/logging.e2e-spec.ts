import { Writable } from 'node:stream';
import { mintDevelopmentToken } from '../src/common/auth/development-token';
import { TENANT_SCOPES } from '../src/common/auth/scopes';
import { createUser } from './support/fixtures';
import { bearer, startTestApp, TestApp } from './support/test-app';

const SECRET = 'logging-test-secret-0123456789abcdefghijklmnop';

/** Operators ship these logs to shared systems: credentials must never be in them. */
describe('Structured logs', () => {
  let t: TestApp;
  const lines: string[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'trace', JWT_SECRET: SECRET }, capture);
  });

  afterAll(async () => {
    await t.close();
  });

  it('are JSON lines with the request id, and contain no token or secret', async () => {
    const admin = mintDevelopmentToken({
      secret: SECRET,
      tenantId: '00000000-0000-0000-0000-000000000000',
      scopes: ['platform:admin'],
    });
    const slug = `logs-${Date.now()}`;
    const created = await t.http.post('/api/v1/tenants').set(bearer(admin)).send({ name: 'Logs', slug }).expect(201);
    const tenantId = created.body.data.id as string;
    const token = mintDevelopmentToken({ secret: SECRET, tenantId, scopes: TENANT_SCOPES });
    await createUser(t, { id: tenantId, token }, 'log@example.com', 'Log');

    await t.http.get(`/api/v1/tenants/${tenantId}/users`).set(bearer(token)).set('X-Request-ID', 'req-logged-1').expect(200);
    await t.http.get(`/api/v1/tenants/${tenantId}/users?access_token=${token}`).expect(401);
    await t.http
      .get(`/api/v1/tenants/${tenantId}/users`)
      .set(bearer(`${token}x`))
      .expect(401);
    await t.http.get(`/api/v1/tenants/${tenantId}/users`).set('Cookie', `session=${token}`).expect(401);
    await t.http.post(`/api/v1/tenants/${tenantId}/users`).set(bearer(token)).send({ email: 'bad', password: token }).expect(422);

    expect(lines.length).toBeGreaterThan(5);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.some((record) => record.reqId === 'req-logged-1')).toBe(true);
    const everything = lines.join('\n');
    const [header, payload, signature] = token.split('.');
    for (const secret of [SECRET, token, payload, signature, admin.split('.')[2]]) {
      expect(everything).not.toContain(secret);
    }
    expect(header.length).toBeGreaterThan(0);
  });

  it("leave out the load balancer's health probes below warn, even at trace", async () => {
    const before = lines.length;
    await t.http.get('/health/ready').set('X-Request-ID', 'probe-1').expect(200);
    await t.http.get('/health/live').set('X-Request-ID', 'probe-2').expect(200);
    await t.http.get('/api/v1/tenants/not-a-uuid/users').set('X-Request-ID', 'api-1').expect(401);
    const records = lines.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.filter((record) => record.reqId === 'probe-1' || record.reqId === 'probe-2')).toEqual([]);
    expect(records.some((record) => record.reqId === 'api-1')).toBe(true);
  });
});
