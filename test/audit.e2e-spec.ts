import { randomUUID } from 'node:crypto';
import { Scope } from '../src/common/auth/scopes';
import { addMember, createApplication, createGroup, createTenant, createUser, TenantFixture } from './support/fixtures';
import { bearer, platformAdminToken, startTestApp, TestApp, tokenFor } from './support/test-app';

interface AuditEvent {
  id: string;
  tenant_id: string;
  occurred_at: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  details: Record<string, unknown>;
  request_id: string | null;
}

describe('Audit trail', () => {
  let t: TestApp;
  let tenant: TenantFixture;

  beforeAll(async () => {
    t = await startTestApp();
  });

  beforeEach(async () => {
    tenant = await createTenant(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const base = () => `/api/v1/tenants/${tenant.id}`;
  const events = async (query = ''): Promise<{ data: AuditEvent[]; pagination: Record<string, number> }> =>
    (await t.http.get(`${base()}/audit-events${query}`).set(bearer(tenant.token)).expect(200)).body;
  const eventCount = async (tenantId = tenant.id) =>
    Number((await t.dataSource.query('SELECT count(*) AS n FROM audit_events WHERE tenant_id = $1', [tenantId]))[0].n);

  it('records who did what to which resource, when and in which request', async () => {
    const user = await createUser(t, tenant);
    const app = await createApplication(t, tenant);
    const before = Date.now();
    await t.http
      .post(`${base()}/users/${user}/applications`)
      .set(bearer(tokenFor(tenant.id, [Scope.AssignmentsWrite], 'alice@idp.example')))
      .set('X-Request-ID', 'req-audit-1')
      .send({ application_id: app })
      .expect(201);

    const [latest] = (await events()).data;
    expect(latest).toEqual({
      id: expect.any(String),
      tenant_id: tenant.id,
      occurred_at: expect.any(String),
      actor: 'alice@idp.example',
      action: 'assignment.user_assigned',
      target_type: 'user',
      target_id: user,
      details: { application_id: app },
      request_id: 'req-audit-1',
    });
    expect(new Date(latest.occurred_at).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('records every kind of successful write, newest first', async () => {
    const user = await createUser(t, tenant);
    const group = await createGroup(t, tenant);
    const app = await createApplication(t, tenant);
    const app2 = await createApplication(t, tenant);
    const auth = bearer(tenant.token);
    await addMember(t, tenant, group, user);
    await t.http.patch(`${base()}/users/${user}`).set(auth).send({ display_name: 'Renamed' }).expect(200);
    await t.http.patch(`${base()}/groups/${group}`).set(auth).send({ description: 'x' }).expect(200);
    await t.http.patch(`${base()}/applications/${app}`).set(auth).send({ status: 'inactive' }).expect(200);
    await t.http.post(`${base()}/groups/${group}/applications`).set(auth).send({ application_id: app }).expect(201);
    await t.http
      .post(`${base()}/users/${user}/applications/bulk`)
      .set(auth)
      .send({ application_ids: [app, app2] })
      .expect(201);
    await t.http.delete(`${base()}/users/${user}/applications/${app2}`).set(auth).expect(204);
    await t.http.delete(`${base()}/groups/${group}/applications/${app}`).set(auth).expect(204);
    await t.http.delete(`${base()}/groups/${group}/members/${user}`).set(auth).expect(204);
    await t.http.delete(`${base()}/groups/${group}`).set(auth).expect(204);
    await t.http.delete(`${base()}/applications/${app}`).set(auth).expect(204);
    await t.http.delete(`${base()}/users/${user}`).set(auth).expect(204);
    await t.http
      .patch(`/api/v1/tenants/${tenant.id}`)
      .set(bearer(platformAdminToken()))
      .send({ name: 'Renamed tenant' })
      .expect(200);

    const listed = await events('?per_page=100');
    expect(listed.data.map((event) => event.action)).toEqual([
      'tenant.updated',
      'user.deleted',
      'application.deleted',
      'group.deleted',
      'group.member_removed',
      'assignment.group_unassigned',
      'assignment.user_unassigned',
      'assignment.user_bulk_assigned',
      'assignment.group_assigned',
      'application.updated',
      'group.updated',
      'user.updated',
      'group.member_added',
      'application.created',
      'application.created',
      'group.created',
      'user.created',
      'tenant.created',
    ]);
    expect(listed.pagination.total_items).toBe(18);
    const bulk = listed.data.find((event) => event.action === 'assignment.user_bulk_assigned')!;
    expect(bulk.details).toEqual({ application_ids: [app, app2] });
    const update = listed.data.find((event) => event.action === 'user.updated')!;
    expect(update.details).toEqual({ display_name: 'Renamed' });
  });

  it('filters by action and by target, and paginates', async () => {
    const [u1, u2] = [await createUser(t, tenant), await createUser(t, tenant)];
    const app = await createApplication(t, tenant);
    const auth = bearer(tenant.token);
    await t.http.post(`${base()}/users/${u1}/applications`).set(auth).send({ application_id: app }).expect(201);
    await t.http.post(`${base()}/users/${u2}/applications`).set(auth).send({ application_id: app }).expect(201);

    const created = await events('?action=user.created');
    expect(created.data.map((event) => event.target_id).sort()).toEqual([u1, u2].sort());
    const aboutU1 = await events(`?target_type=user&target_id=${u1}`);
    expect(aboutU1.data.map((event) => event.action)).toEqual(['assignment.user_assigned', 'user.created']);
    const page2 = await events('?per_page=2&page=2');
    expect(page2.pagination).toEqual({ page: 2, per_page: 2, total_items: 6, total_pages: 3 });
    expect(page2.data).toHaveLength(2);
    await t.http.get(`${base()}/audit-events?action=user.exploded`).set(auth).expect(422);
    await t.http.get(`${base()}/audit-events?target_id=nope`).set(auth).expect(422);
  });

  it('records nothing for rejected or failed requests', async () => {
    const user = await createUser(t, tenant);
    const app = await createApplication(t, tenant);
    const auth = bearer(tenant.token);
    await t.http.post(`${base()}/users/${user}/applications`).set(auth).send({ application_id: app }).expect(201);
    const before = await eventCount();

    await t.http.post(`${base()}/users/${user}/applications`).set(auth).send({ application_id: app }).expect(409);
    await t.http
      .post(`${base()}/users/${user}/applications/bulk`)
      .set(auth)
      .send({ application_ids: [app, randomUUID()] })
      .expect(404);
    await t.http
      .post(`${base()}/users/${user}/applications/bulk`)
      .set(auth)
      .send({ application_ids: [app] })
      .expect(201);
    await t.http.post(`${base()}/users`).set(auth).send({ email: 'not-an-email', display_name: 'x' }).expect(422);
    await t.http.delete(`${base()}/groups/${randomUUID()}`).set(auth).expect(404);
    await t.http
      .post(`${base()}/users`)
      .set(bearer(tokenFor(tenant.id, [Scope.UsersRead])))
      .send({ email: 'a@b.co', display_name: 'x' })
      .expect(403);
    const email = `${randomUUID()}@example.com`;
    await t.http.post(`${base()}/users`).set(auth).send({ email, display_name: 'x' }).expect(201);
    await t.http.post(`${base()}/users`).set(auth).send({ email: email.toUpperCase(), display_name: 'y' }).expect(409);

    // Only the second user's creation was a change; the bulk call assigned nothing new.
    expect(await eventCount()).toBe(before + 1);
  });

  it('needs audit:read and the tenant of the token', async () => {
    const other = await createTenant(t);
    await t.http
      .get(`${base()}/audit-events`)
      .set(bearer(tokenFor(tenant.id, [Scope.UsersRead])))
      .expect(403);
    await t.http
      .get(`${base()}/audit-events`)
      .set(bearer(tokenFor(tenant.id, [Scope.AuditRead])))
      .expect(200);
    await t.http.get(`${base()}/audit-events`).set(bearer(other.token)).expect(403);
    await t.http.get(`${base()}/audit-events`).expect(401);
  });

  it("keeps a deleted tenant's trail, and refuses to alter it", async () => {
    await createUser(t, tenant);
    await t.http.delete(`/api/v1/tenants/${tenant.id}`).set(bearer(platformAdminToken())).expect(204);
    const kept = await events();
    expect(kept.data[0]).toMatchObject({ action: 'tenant.deleted', actor: 'platform-admin', target_id: tenant.id });
    await expect(
      t.dataSource.query(`UPDATE audit_events SET actor = 'mallory' WHERE tenant_id = $1`, [tenant.id]),
    ).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query('DELETE FROM audit_events WHERE tenant_id = $1', [tenant.id])).rejects.toThrow(/append-only/);
  });
});
