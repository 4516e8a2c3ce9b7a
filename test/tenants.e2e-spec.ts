import { randomUUID } from 'node:crypto';
import { createTenant, expectValidationError } from './support/fixtures';
import { bearer, platformAdminToken, startTestApp, TestApp, tokenFor } from './support/test-app';

describe('Tenants', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('lets a platform admin create, read, update and delete a tenant', async () => {
    const slug = `acme-${randomUUID().slice(0, 8)}`;
    const created = await t.http
      .post('/api/v1/tenants')
      .set(bearer(platformAdminToken()))
      .send({ name: 'Acme', slug })
      .expect(201);
    expect(created.body.data).toEqual({
      id: expect.any(String),
      name: 'Acme',
      slug,
      status: 'active',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(created.body.meta).toEqual({ request_id: expect.any(String), timestamp: expect.any(String) });
    const id = created.body.data.id;

    const read = await t.http
      .get(`/api/v1/tenants/${id}`)
      .set(bearer(tokenFor(id)))
      .expect(200);
    expect(read.body.data.slug).toBe(slug);

    const updated = await t.http
      .patch(`/api/v1/tenants/${id}`)
      .set(bearer(platformAdminToken()))
      .send({ status: 'suspended' })
      .expect(200);
    expect(updated.body.data).toMatchObject({ name: 'Acme', status: 'suspended' });

    await t.http.delete(`/api/v1/tenants/${id}`).set(bearer(platformAdminToken())).expect(204);
    await t.http.get(`/api/v1/tenants/${id}`).set(bearer(platformAdminToken())).expect(404);
  });

  it('refuses tenant changes without platform:admin', async () => {
    const tenant = await createTenant(t);
    const response = await t.http.patch(`/api/v1/tenants/${tenant.id}`).set(bearer(tenant.token)).send({ name: 'x' }).expect(403);
    expect(response.body).toEqual({ detail: expect.stringContaining('platform:admin') });
    await t.http.post('/api/v1/tenants').set(bearer(tenant.token)).send({ name: 'x', slug: 'xx' }).expect(403);
    await t.http.delete(`/api/v1/tenants/${tenant.id}`).set(bearer(tenant.token)).expect(403);
  });

  it('answers 409 for a duplicate slug and 422 for a bad one', async () => {
    const slug = `dup-${randomUUID().slice(0, 8)}`;
    await t.http.post('/api/v1/tenants').set(bearer(platformAdminToken())).send({ name: 'A', slug }).expect(201);
    const duplicate = await t.http
      .post('/api/v1/tenants')
      .set(bearer(platformAdminToken()))
      .send({ name: 'B', slug })
      .expect(409);
    expect(duplicate.body).toEqual({ detail: expect.any(String) });
    const bad = await t.http
      .post('/api/v1/tenants')
      .set(bearer(platformAdminToken()))
      .send({ name: 'C', slug: 'Not A Slug' })
      .expect(422);
    expectValidationError(bad.body, ['body', 'slug']);
  });

  it('shows a tenant token only its own tenant, and 403 for another', async () => {
    const mine = await createTenant(t);
    const other = await createTenant(t);
    const list = await t.http.get('/api/v1/tenants').set(bearer(mine.token)).expect(200);
    expect(list.body.data.map((row: { id: string }) => row.id)).toEqual([mine.id]);
    expect(list.body.pagination).toEqual({ page: 1, per_page: 20, total_items: 1, total_pages: 1 });
    await t.http.get(`/api/v1/tenants/${other.id}`).set(bearer(mine.token)).expect(403);
  });

  it('answers 401 with a Bearer challenge without a token', async () => {
    const response = await t.http.get('/api/v1/tenants').expect(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(response.body).toEqual({ detail: expect.any(String) });
  });
});
