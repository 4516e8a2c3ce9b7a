import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { BackgroundWorker } from '../src/background/background-worker';
import { ISO_UTC, UUID } from './support/assertions';
import { addMember, createApplication, createGroup, createTenant, createUser, type TenantFixture } from './support/fixtures';
import { type IsolatedApp, startIsolatedApp } from './support/isolated-app';
import { bearer, platformAdminToken, tokenFor } from './support/test-app';

/**
 * Deletions too large for a request (here: more than 2 rows, the inline limit this suite
 * sets): answered 202 with the deletion to poll, invisible to every read at once, carried
 * out in the background, and audited at both ends.
 */
describe('Deletions carried out in the background', () => {
  let t: IsolatedApp;
  let worker: BackgroundWorker;

  beforeAll(async () => {
    t = await startIsolatedApp('deletions', { BACKGROUND_WORKERS: 'false' });
    await t.dataSource.query(`UPDATE effective_access_settings SET inline_fanout_limit = 2`);
    worker = t.app.get(BackgroundWorker);
  });

  afterAll(async () => {
    await t.close();
  });

  const api = (tenant: TenantFixture) => `/api/v1/tenants/${tenant.id}`;
  const count = async (sql: string, parameters: unknown[]) =>
    Number((await t.dataSource.query<Array<{ n: string }>>(sql, parameters))[0].n);

  function expectAccepted(
    response: Response,
    resourceType: string,
    resourceId: string,
    tenantId: string,
    location: string,
  ): void {
    expect(response.status).toBe(202);
    expect(response.headers.location).toBe(location);
    expect(response.body.data).toEqual({
      id: expect.stringMatching(UUID),
      tenant_id: tenantId,
      resource_type: resourceType,
      resource_id: resourceId,
      status: 'accepted',
      rows_deleted: 0,
      requested_at: expect.stringMatching(ISO_UTC),
      completed_at: null,
    });
  }

  async function auditActions(
    tenantId: string,
    targetId: string,
  ): Promise<Array<{ action: string; details: Record<string, unknown> }>> {
    return t.dataSource.query(
      `SELECT action, details FROM audit_events WHERE tenant_id = $1 AND target_id = $2 ORDER BY occurred_at, id`,
      [tenantId, targetId],
    );
  }

  it('a large group: 202, gone for every read and write at once, its members removed in the background', async () => {
    const tenant = await createTenant(t);
    const [ada, alan, grace] = [await createUser(t, tenant), await createUser(t, tenant), await createUser(t, tenant)];
    const group = await createGroup(t, tenant, `big-${randomUUID()}`);
    const name = (await t.http.get(`${api(tenant)}/groups/${group}`).set(bearer(tenant.token))).body.data.name as string;
    const app = await createApplication(t, tenant);
    for (const user of [ada, alan, grace]) await addMember(t, tenant, group, user);
    await t.http
      .post(`${api(tenant)}/groups/${group}/applications`)
      .set(bearer(tenant.token))
      .send({ application_id: app })
      .expect(201);
    await t.http
      .post(`${api(tenant)}/users/${ada}/applications`)
      .set(bearer(tenant.token))
      .send({ application_id: app })
      .expect(201);
    await worker.drain();

    const deleted = await t.http.delete(`${api(tenant)}/groups/${group}`).set(bearer(tenant.token));
    expectAccepted(deleted, 'group', group, tenant.id, `${api(tenant)}/groups/${group}/deletion`);

    const http = t.http;
    const as = bearer(tenant.token);
    await http
      .get(`${api(tenant)}/groups/${group}`)
      .set(as)
      .expect(404);
    await http
      .get(`${api(tenant)}/groups/${group}/members`)
      .set(as)
      .expect(404);
    await http
      .get(`${api(tenant)}/groups/${group}/applications`)
      .set(as)
      .expect(404);
    expect(
      (
        await http
          .get(`${api(tenant)}/groups`)
          .set(as)
          .expect(200)
      ).body.data,
    ).toEqual([]);
    await http
      .post(`${api(tenant)}/groups/${group}/members`)
      .set(as)
      .send({ user_id: ada })
      .expect(404);
    await http
      .delete(`${api(tenant)}/groups/${group}/members/${alan}`)
      .set(as)
      .expect(404);
    await http
      .post(`${api(tenant)}/groups/${group}/applications`)
      .set(as)
      .send({ application_id: app })
      .expect(404);
    await http
      .patch(`${api(tenant)}/groups/${group}`)
      .set(as)
      .send({ description: 'x' })
      .expect(404);
    await http
      .delete(`${api(tenant)}/groups/${group}`)
      .set(as)
      .expect(404);
    // Its members' access through it is gone: only Ada, who has the application directly, keeps it.
    const effective = await http
      .get(`${api(tenant)}/applications/${app}/effective-users`)
      .set(as)
      .expect(200);
    expect(effective.body.data).toEqual([expect.objectContaining({ user_id: ada, direct: true, via_groups: [] })]);
    expect(
      (
        await http
          .get(`${api(tenant)}/users/${alan}/applications`)
          .set(as)
          .expect(200)
      ).body.data.applications,
    ).toEqual([]);
    // Its name is free again.
    await http
      .post(`${api(tenant)}/groups`)
      .set(as)
      .send({ name })
      .expect(201);

    const pending = await http
      .get(`${api(tenant)}/groups/${group}/deletion`)
      .set(as)
      .expect(200);
    expect(pending.body.data).toMatchObject({ id: deleted.body.data.id, status: 'accepted', completed_at: null });
    expect(
      await count(`SELECT count(*) AS n FROM group_memberships WHERE tenant_id = $1 AND group_id = $2`, [tenant.id, group]),
    ).toBe(3);

    await worker.drain();
    const done = await http
      .get(`${api(tenant)}/groups/${group}/deletion`)
      .set(as)
      .expect(200);
    expect(done.body.data).toMatchObject({ status: 'completed', rows_deleted: 4, completed_at: expect.stringMatching(ISO_UTC) });
    expect(
      await count(`SELECT count(*) AS n FROM group_memberships WHERE tenant_id = $1 AND group_id = $2`, [tenant.id, group]),
    ).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM groups WHERE tenant_id = $1 AND id = $2`, [tenant.id, group])).toBe(0);
    expect(await auditActions(tenant.id, group)).toEqual(
      expect.arrayContaining([
        { action: 'group.deleted', details: { deletion_id: deleted.body.data.id } },
        { action: 'group.deletion_completed', details: { deletion_id: deleted.body.data.id, rows_deleted: 4 } },
      ]),
    );
  });

  it('a large application: 202, gone for every read and write at once, its rows removed in the background', async () => {
    const tenant = await createTenant(t);
    const users = [await createUser(t, tenant), await createUser(t, tenant), await createUser(t, tenant)];
    const app = await createApplication(t, tenant);
    const other = await createApplication(t, tenant);
    const group = await createGroup(t, tenant);
    for (const user of users) {
      await t.http
        .post(`${api(tenant)}/users/${user}/applications`)
        .set(bearer(tenant.token))
        .send({ application_id: app })
        .expect(201);
    }
    await worker.drain();
    const as = bearer(tenant.token);

    const deleted = await t.http.delete(`${api(tenant)}/applications/${app}`).set(as);
    expectAccepted(deleted, 'application', app, tenant.id, `${api(tenant)}/applications/${app}/deletion`);

    await t.http
      .get(`${api(tenant)}/applications/${app}`)
      .set(as)
      .expect(404);
    await t.http
      .get(`${api(tenant)}/applications/${app}/effective-users`)
      .set(as)
      .expect(404);
    await t.http
      .get(`${api(tenant)}/applications/${app}/assignees`)
      .set(as)
      .expect(404);
    const list = await t.http
      .get(`${api(tenant)}/applications`)
      .set(as)
      .expect(200);
    expect(list.body.data.map((row: { id: string }) => row.id)).toEqual([other]);
    expect(
      (
        await t.http
          .get(`${api(tenant)}/users/${users[0]}/applications`)
          .set(as)
          .expect(200)
      ).body.data.applications,
    ).toEqual([]);
    await t.http
      .post(`${api(tenant)}/users/${users[0]}/applications`)
      .set(as)
      .send({ application_id: app })
      .expect(404);
    await t.http
      .delete(`${api(tenant)}/users/${users[1]}/applications/${app}`)
      .set(as)
      .expect(404);
    await t.http
      .post(`${api(tenant)}/groups/${group}/applications`)
      .set(as)
      .send({ application_id: app })
      .expect(404);
    const bulk = await t.http
      .post(`${api(tenant)}/users/${users[0]}/applications/bulk`)
      .set(as)
      .send({ application_ids: [other, app] })
      .expect(404);
    expect(bulk.body).toEqual({ detail: `Applications not found: ${app}` });
    await t.http
      .patch(`${api(tenant)}/applications/${app}`)
      .set(as)
      .send({ name: 'x' })
      .expect(404);

    await worker.drain();
    const done = await t.http
      .get(`${api(tenant)}/applications/${app}/deletion`)
      .set(as)
      .expect(200);
    // Three index rows, three direct assignments and the application itself.
    expect(done.body.data).toMatchObject({ status: 'completed', rows_deleted: 7 });
    for (const table of ['user_app_assignments', 'effective_access']) {
      expect(
        await count(`SELECT count(*) AS n FROM ${table} WHERE tenant_id = $1 AND application_id = $2`, [tenant.id, app]),
      ).toBe(0);
    }
    expect(await count(`SELECT count(*) AS n FROM applications WHERE tenant_id = $1 AND id = $2`, [tenant.id, app])).toBe(0);
    expect((await auditActions(tenant.id, app)).map((event) => event.action)).toEqual(
      expect.arrayContaining(['application.deleted', 'application.deletion_completed']),
    );
  });

  it('a large tenant: 202, every path under it gone at once, its slug free, everything removed in the background but its audit trail', async () => {
    const slug = `big-${randomUUID().slice(0, 8)}`;
    const created = await t.http
      .post('/api/v1/tenants')
      .set(bearer(platformAdminToken()))
      .send({ name: 'Big', slug })
      .expect(201);
    const tenant: TenantFixture = { id: created.body.data.id, token: tokenFor(created.body.data.id) };
    const as = bearer(tenant.token);
    const users = [await createUser(t, tenant), await createUser(t, tenant), await createUser(t, tenant)];
    const group = await createGroup(t, tenant);
    const app = await createApplication(t, tenant);
    await addMember(t, tenant, group, users[0]);
    await t.http
      .post(`${api(tenant)}/groups/${group}/applications`)
      .set(as)
      .send({ application_id: app })
      .expect(201);
    await worker.drain();

    const deleted = await t.http.delete(`/api/v1/tenants/${tenant.id}`).set(bearer(platformAdminToken()));
    expectAccepted(deleted, 'tenant', tenant.id, tenant.id, `/api/v1/tenants/${tenant.id}/deletion`);

    await t.http.get(`/api/v1/tenants/${tenant.id}`).set(as).expect(404);
    const listed = await t.http.get('/api/v1/tenants?per_page=100').set(bearer(platformAdminToken())).expect(200);
    expect(listed.body.data.map((row: { id: string }) => row.id)).not.toContain(tenant.id);
    for (const path of [
      '/users',
      `/users/${users[0]}`,
      `/users/${users[0]}/applications`,
      '/groups',
      `/groups/${group}`,
      `/groups/${group}/members`,
      `/groups/${group}/applications`,
      '/applications',
      `/applications/${app}`,
      `/applications/${app}/assignees`,
      `/applications/${app}/effective-users`,
    ]) {
      const response = await t.http.get(`${api(tenant)}${path}`).set(as);
      expect([path, response.status]).toEqual([path, 404]);
    }
    await t.http
      .post(`${api(tenant)}/users`)
      .set(as)
      .send({ email: `${randomUUID()}@example.com`, display_name: 'Late' })
      .expect(404);
    await t.http
      .post(`${api(tenant)}/groups/${group}/members`)
      .set(as)
      .send({ user_id: users[1] })
      .expect(404);
    await t.http
      .patch(`${api(tenant)}/users/${users[1]}`)
      .set(as)
      .send({ display_name: 'Late' })
      .expect(404);
    await t.http.delete(`/api/v1/tenants/${tenant.id}`).set(bearer(platformAdminToken())).expect(404);
    // The slug is free again.
    await t.http.post('/api/v1/tenants').set(bearer(platformAdminToken())).send({ name: 'Big again', slug }).expect(201);

    await t.http.get(`/api/v1/tenants/${tenant.id}/deletion`).set(as).expect(200);
    await worker.drain();
    const done = await t.http.get(`/api/v1/tenants/${tenant.id}/deletion`).set(bearer(platformAdminToken())).expect(200);
    expect(done.body.data).toMatchObject({ status: 'completed', completed_at: expect.stringMatching(ISO_UTC) });
    for (const table of ['users', 'groups', 'applications', 'group_memberships', 'group_app_assignments', 'effective_access']) {
      expect([table, await count(`SELECT count(*) AS n FROM ${table} WHERE tenant_id = $1`, [tenant.id])]).toEqual([table, 0]);
    }
    expect(await count(`SELECT count(*) AS n FROM tenants WHERE id = $1`, [tenant.id])).toBe(0);
    const trail = await t.http
      .get(`/api/v1/tenants/${tenant.id}/audit-events?target_type=tenant&per_page=100`)
      .set(bearer(platformAdminToken()))
      .expect(200);
    expect(trail.body.data.map((event: { action: string }) => event.action)).toEqual(
      expect.arrayContaining(['tenant.created', 'tenant.deleted', 'tenant.deletion_completed']),
    );
  });

  it('a small group, application or tenant is still deleted within the request (204)', async () => {
    const tenant = await createTenant(t);
    const group = await createGroup(t, tenant);
    const app = await createApplication(t, tenant);
    await t.http
      .delete(`${api(tenant)}/groups/${group}`)
      .set(bearer(tenant.token))
      .expect(204);
    await t.http
      .delete(`${api(tenant)}/applications/${app}`)
      .set(bearer(tenant.token))
      .expect(204);
    await t.http
      .get(`${api(tenant)}/groups/${group}/deletion`)
      .set(bearer(tenant.token))
      .expect(404);
    await t.http.delete(`/api/v1/tenants/${tenant.id}`).set(bearer(platformAdminToken())).expect(204);
    expect(await count(`SELECT count(*) AS n FROM deletions WHERE tenant_id = $1`, [tenant.id])).toBe(0);
  });
});
