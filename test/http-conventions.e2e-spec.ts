import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { DEVELOPMENT_JWT_SECRET } from '../src/config/environment';
import { countRows, expectDetail, expectUnauthenticated, ids, ISO_UTC, UUID } from './support/assertions';
import {
  addMember,
  createApplication,
  createGroup,
  createTenant,
  createUser,
  expectValidationError,
  TenantFixture,
} from './support/fixtures';
import { bearer, platformAdminToken, startTestApp, TestApp, tokenFor } from './support/test-app';

const TENANT_TABLES = ['users', 'groups', 'group_memberships', 'applications', 'user_app_assignments', 'group_app_assignments'];

describe('HTTP conventions', () => {
  let t: TestApp;
  let tenant: TenantFixture;

  const users = (tenantId: string) => `/api/v1/tenants/${tenantId}/users`;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenant(t, 'Conventions');
  });

  afterAll(async () => {
    await t.close();
  });

  describe('X-Request-ID', () => {
    it.each([
      ['a simple id', 'req-123'],
      ['every allowed character', 'Ab9._:-'],
      ['a UUID', randomUUID()],
      ['a single character', 'x'],
      ['128 characters', 'r'.repeat(128)],
    ])('echoes %s in the header and in meta.request_id', async (_, requestId) => {
      const response = await t.http.get(users(tenant.id)).set(bearer(tenant.token)).set('X-Request-ID', requestId).expect(200);
      expect(response.headers['x-request-id']).toBe(requestId);
      expect(response.body.meta.request_id).toBe(requestId);
    });

    it.each([
      ['spaces', 'has spaces in it'],
      ['129 characters', 'r'.repeat(129)],
      ['a slash', 'a/b'],
      ['quotes and braces', '"}{'],
      ['an empty value', ''],
    ])('replaces an id with %s by a new UUID', async (_, requestId) => {
      const response = await t.http.get(users(tenant.id)).set(bearer(tenant.token)).set('X-Request-ID', requestId).expect(200);
      expect(response.headers['x-request-id']).toMatch(UUID);
      expect(response.body.meta.request_id).toBe(response.headers['x-request-id']);
    });

    it('generates a different UUID for each request without one', async () => {
      const first = await t.http.get(users(tenant.id)).set(bearer(tenant.token)).expect(200);
      const second = await t.http.get(users(tenant.id)).set(bearer(tenant.token)).expect(200);
      expect(first.headers['x-request-id']).toMatch(UUID);
      expect(second.headers['x-request-id']).toMatch(UUID);
      expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
      expect(first.body.meta.request_id).toBe(first.headers['x-request-id']);
    });

    it('is echoed on errors and on 204 responses too', async () => {
      const unauthenticated = await t.http.get(users(tenant.id)).set('X-Request-ID', 'err-401').expect(401);
      expect(unauthenticated.headers['x-request-id']).toBe('err-401');
      const notFound = await t.http
        .get(`${users(tenant.id)}/${randomUUID()}`)
        .set(bearer(tenant.token))
        .set('X-Request-ID', 'err-404')
        .expect(404);
      expect(notFound.headers['x-request-id']).toBe('err-404');
      const invalid = await t.http
        .get(`${users(tenant.id)}/nope`)
        .set(bearer(tenant.token))
        .set('X-Request-ID', 'err-422')
        .expect(422);
      expect(invalid.headers['x-request-id']).toBe('err-422');
      const userId = await createUser(t, tenant);
      const deleted = await t.http
        .delete(`${users(tenant.id)}/${userId}`)
        .set(bearer(tenant.token))
        .set('X-Request-ID', 'ok-204')
        .expect(204);
      expect(deleted.headers['x-request-id']).toBe('ok-204');
      const replaced = await t.http.get(users(tenant.id)).set('X-Request-ID', 'bad id').expect(401);
      expect(replaced.headers['x-request-id']).toMatch(UUID);
    });
  });

  describe('success envelopes', () => {
    it('stamps meta.timestamp as ISO 8601 UTC at the time of the request', async () => {
      const before = Date.now();
      const response = await t.http.get(`/api/v1/tenants/${tenant.id}`).set(bearer(tenant.token)).expect(200);
      const after = Date.now();
      expect(response.body.meta.timestamp).toMatch(ISO_UTC);
      const stamped = Date.parse(response.body.meta.timestamp);
      expect(stamped).toBeGreaterThanOrEqual(before - 1);
      expect(stamped).toBeLessThanOrEqual(after + 1);
    });

    it('answers JSON for every success with a body', async () => {
      const response = await t.http.get(users(tenant.id)).set(bearer(tenant.token)).expect(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
    });
  });

  describe('authentication', () => {
    const sign = (claims: Record<string, unknown>, secret = DEVELOPMENT_JWT_SECRET, options: jwt.SignOptions = {}) =>
      jwt.sign(claims, secret, { algorithm: 'HS256', ...options });
    const validClaims = () => ({ sub: 'someone', tenant_id: tenant.id, scope: 'users:read' });

    it('accepts a well-formed token', async () => {
      await t.http
        .get(users(tenant.id))
        .set(bearer(sign(validClaims(), undefined, { expiresIn: 60 })))
        .expect(200);
    });

    it('accepts scopes as an scp array', async () => {
      const token = sign({ sub: 'someone', tenant_id: tenant.id, scp: ['users:read'] }, undefined, { expiresIn: 60 });
      await t.http.get(users(tenant.id)).set(bearer(token)).expect(200);
    });

    it('answers 401 without a token, with a Bearer challenge and no reason', async () => {
      const response = await t.http.get(users(tenant.id));
      expectUnauthenticated(response);
      expect(response.headers['www-authenticate']).not.toContain('error=');
    });

    it.each<[string, () => string]>([
      [
        'a token signed with another secret',
        () => sign(validClaims(), 'another-secret-that-is-long-enough-0123456789', { expiresIn: 60 }),
      ],
      ['an expired token', () => sign(validClaims(), undefined, { expiresIn: -3600 })],
      ['a token without exp', () => sign(validClaims())],
      ['a token without tenant_id', () => sign({ sub: 'someone', scope: 'users:read' }, undefined, { expiresIn: 60 })],
      ['a token without sub', () => sign({ tenant_id: tenant.id, scope: 'users:read' }, undefined, { expiresIn: 60 })],
      ['a token that is not yet valid', () => sign(validClaims(), undefined, { expiresIn: 7200, notBefore: 3600 })],
      [
        'an unsigned (alg none) token',
        () => jwt.sign({ ...validClaims(), exp: Math.floor(Date.now() / 1000) + 60 }, '', { algorithm: 'none' }),
      ],
      ['garbage', () => 'not-a-jwt'],
    ])('answers 401 invalid_token for %s', async (_, token) => {
      const response = await t.http.get(users(tenant.id)).set(bearer(token()));
      expectUnauthenticated(response);
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
    });

    it('answers 401 for another authorization scheme', async () => {
      expectUnauthenticated(
        await t.http.get(users(tenant.id)).set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`),
      );
      expectUnauthenticated(await t.http.get(users(tenant.id)).set('Authorization', 'Bearer'));
    });

    it('does not accept the token in the query string', async () => {
      expectUnauthenticated(await t.http.get(users(tenant.id)).query({ access_token: tenant.token }));
    });
  });

  describe('tenant scoping', () => {
    it('answers 403 for a tenant in the path other than the token’s, even one that does not exist', async () => {
      const other = await createTenant(t);
      expectDetail(await t.http.get(users(other.id)).set(bearer(tenant.token)).expect(403));
      expectDetail(await t.http.get(users(randomUUID())).set(bearer(tenant.token)).expect(403));
    });

    it('answers 422 naming tenant_id for a malformed tenant id, before any tenant check', async () => {
      const response = await t.http.get(users('not-a-tenant')).set(bearer(tenant.token)).expect(422);
      expectValidationError(response.body, ['path', 'tenant_id'], 'uuid_parsing');
    });

    it('accepts the tenant id in upper case', async () => {
      const response = await t.http.get(users(tenant.id.toUpperCase())).set(bearer(tenant.token)).expect(200);
      for (const user of response.body.data) expect(user.tenant_id).toBe(tenant.id);
    });

    it('lets platform:admin act in any tenant', async () => {
      const other = await createTenant(t);
      const userId = await createUser(t, other);
      const response = await t.http.get(users(other.id)).set(bearer(platformAdminToken())).expect(200);
      expect(ids(response)).toEqual([userId]);
    });

    it('answers 403 for a token with no scopes at all', async () => {
      expectDetail(
        await t.http
          .get(users(tenant.id))
          .set(bearer(tokenFor(tenant.id, [])))
          .expect(403),
      );
    });
  });

  describe('request bodies', () => {
    it('answers 422 json_invalid for malformed JSON on every kind of write', async () => {
      const groupId = await createGroup(t, tenant);
      const base = `/api/v1/tenants/${tenant.id}`;
      for (const request of [
        t.http.post(`${base}/users`),
        t.http.post(`${base}/groups`),
        t.http.patch(`${base}/groups/${groupId}`),
        t.http.post(`${base}/groups/${groupId}/members`),
        t.http.post(`${base}/applications`),
        t.http.patch(`${base}`),
      ]) {
        const token = request.url.endsWith(tenant.id) ? platformAdminToken() : tenant.token;
        const response = await request.set(bearer(token)).set('Content-Type', 'application/json').send('{"oops": ');
        expect(response.status).toBe(422);
        expect(response.body).toEqual({ detail: [{ loc: ['body'], msg: expect.any(String), type: 'json_invalid' }] });
      }
    });

    it('answers 422 for a JSON body that is not an object', async () => {
      for (const body of ['"a string"', '42', 'null', '[]']) {
        const response = await t.http
          .post(users(tenant.id))
          .set(bearer(tenant.token))
          .set('Content-Type', 'application/json')
          .send(body);
        expect({ body, status: response.status }).toEqual({ body, status: 422 });
        expectValidationError(response.body, ['body']);
      }
    });

    it('answers 413 for a body over the limit, and writes nothing', async () => {
      const before = await countRows(t, 'users', 'tenant_id = $1', [tenant.id]);
      const response = await t.http
        .post(users(tenant.id))
        .set(bearer(tenant.token))
        .send({ email: 'big@example.com', display_name: 'x'.repeat(2 * 1024 * 1024) })
        .expect(413);
      expectDetail(response);
      expect(await countRows(t, 'users', 'tenant_id = $1', [tenant.id])).toBe(before);
    });

    it('answers 422 naming the body for text that is not a JSON object', async () => {
      const response = await t.http
        .post(users(tenant.id))
        .set(bearer(tenant.token))
        .set('Content-Type', 'text/plain')
        .send('email=a@example.com')
        .expect(422);
      expectValidationError(response.body, ['body']);
    });

    it('answers 415 for a media type it cannot parse, and writes nothing', async () => {
      const before = await countRows(t, 'users', 'tenant_id = $1', [tenant.id]);
      const response = await t.http
        .post(users(tenant.id))
        .set(bearer(tenant.token))
        .set('Content-Type', 'application/xml')
        .send('<user><email>a@example.com</email></user>')
        .expect(415);
      expectDetail(response);
      expect(await countRows(t, 'users', 'tenant_id = $1', [tenant.id])).toBe(before);
    });

    it('lists every problem of a body, each naming its field', async () => {
      const response = await t.http
        .post(users(tenant.id))
        .set(bearer(tenant.token))
        .send({ email: 5, status: 'gone', extra: true })
        .expect(422);
      expectValidationError(response.body, ['body', 'email'], 'string_type');
      expectValidationError(response.body, ['body', 'display_name'], 'missing');
      expectValidationError(response.body, ['body', 'status'], 'enum');
      expectValidationError(response.body, ['body', 'extra'], 'extra_forbidden');
      expect(Object.keys(response.body)).toEqual(['detail']);
    });

    it('answers 422, not 500, when PATCH sends null for a required field of a tenant', async () => {
      const response = await t.http
        .patch(`/api/v1/tenants/${tenant.id}`)
        .set(bearer(platformAdminToken()))
        .send({ name: null })
        .expect(422);
      expectValidationError(response.body, ['body', 'name'], 'none_forbidden');
      const read = await t.http.get(`/api/v1/tenants/${tenant.id}`).set(bearer(tenant.token)).expect(200);
      expect(read.body.data.name).toBe('Conventions');
    });
  });

  describe('query parameters and path lengths', () => {
    it('ignores unknown query parameters (gateway cache busters) but still validates known ones', async () => {
      const ok = await t.http
        .get(`${users(tenant.id)}?_=1700000000&trace=abc&per_page=1`)
        .set(bearer(tenant.token))
        .expect(200);
      expect(ok.body.pagination.per_page).toBe(1);
      const bad = await t.http
        .get(`${users(tenant.id)}?_=1&per_page=0`)
        .set(bearer(tenant.token))
        .expect(422);
      expectValidationError(bad.body, ['query', 'per_page'], 'greater_than_equal');
    });

    it('answers 422 in the validation shape for an over-long path id', async () => {
      const response = await t.http
        .get(`${users(tenant.id)}/${'a'.repeat(300)}`)
        .set(bearer(tenant.token))
        .expect(422);
      expect(response.body).toEqual({ detail: [{ loc: ['path'], msg: expect.any(String), type: 'string_too_long' }] });
    });
  });

  describe('unknown routes', () => {
    it('answers 404 in the error shape', async () => {
      const response = await t.http.get('/api/v1/nothing-here').set(bearer(tenant.token)).expect(404);
      expectDetail(response);
    });
  });

  describe('documentation', () => {
    it('serves /openapi.json without a token', async () => {
      const response = await t.http.get('/openapi.json').expect(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      const document = response.body;
      expect(document.openapi).toBe('3.1.0');
      for (const path of [
        '/api/v1/tenants/{tenant_id}/users',
        '/api/v1/tenants/{tenant_id}/users/{user_id}',
        '/api/v1/tenants/{tenant_id}/groups',
        '/api/v1/tenants/{tenant_id}/groups/{group_id}/members',
        '/api/v1/tenants/{tenant_id}/groups/{group_id}/members/{user_id}',
        '/api/v1/tenants/{tenant_id}/applications/{application_id}',
      ]) {
        expect(document.paths[path]).toBeDefined();
      }
      expect(document.paths['/api/v1/tenants/{tenant_id}/users'].get.operationId).toBe(
        'list_users_api_v1_tenants__tenant_id__users_get',
      );
      expect(document.paths['/api/v1/tenants/{tenant_id}/groups/{group_id}/members/{user_id}'].delete.operationId).toBe(
        'remove_group_member_api_v1_tenants__tenant_id__groups__group_id__members__user_id__delete',
      );
      expect(document.components.schemas).toHaveProperty('PaginatedResponse_UserResponse_');
      expect(document.components.schemas).toHaveProperty('ApiResponse_ApplicationResponse_');
    });

    it('serves Swagger UI at /docs without a token', async () => {
      const response = await t.http.get('/docs').redirects(2).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.text).toMatch(/swagger/i);
    });
  });

  describe('deleting a tenant', () => {
    it('removes everything that belongs to it, and nothing of another tenant', async () => {
      const doomed = await createTenant(t, 'Doomed');
      const survivor = await createTenant(t, 'Survivor');
      for (const owner of [doomed, survivor]) {
        const userId = await createUser(t, owner, 'same@example.com');
        const groupId = await createGroup(t, owner, 'Same group');
        const appId = await createApplication(t, owner, 'Same app');
        await addMember(t, owner, groupId, userId);
        await t.dataSource.query(
          `INSERT INTO user_app_assignments (tenant_id, user_id, application_id, assigned_by) VALUES ($1, $2, $3, 'test')`,
          [owner.id, userId, appId],
        );
        await t.dataSource.query(
          `INSERT INTO group_app_assignments (tenant_id, group_id, application_id, assigned_by) VALUES ($1, $2, $3, 'test')`,
          [owner.id, groupId, appId],
        );
      }
      for (const table of TENANT_TABLES) expect(await countRows(t, table, 'tenant_id = $1', [doomed.id])).toBe(1);

      const response = await t.http.delete(`/api/v1/tenants/${doomed.id}`).set(bearer(platformAdminToken())).expect(204);
      expect(response.text).toBe('');

      for (const table of TENANT_TABLES) {
        expect({ table, count: await countRows(t, table, 'tenant_id = $1', [doomed.id]) }).toEqual({ table, count: 0 });
        expect({ table, count: await countRows(t, table, 'tenant_id = $1', [survivor.id]) }).toEqual({ table, count: 1 });
      }
      expect(await countRows(t, 'tenants', 'id = $1', [doomed.id])).toBe(0);
      expectDetail(await t.http.get(users(doomed.id)).set(bearer(doomed.token)).expect(404));
      expectDetail(await t.http.get(`/api/v1/tenants/${doomed.id}/groups`).set(bearer(doomed.token)).expect(404));
      expectDetail(await t.http.get(`/api/v1/tenants/${doomed.id}/applications`).set(bearer(doomed.token)).expect(404));
      const survivorUsers = await t.http.get(users(survivor.id)).set(bearer(survivor.token)).expect(200);
      expect(survivorUsers.body.pagination.total_items).toBe(1);
    });
  });
});
