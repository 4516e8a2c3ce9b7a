import { CLIENT_ID, countRows, expectOne, expectPage, expectTouched, ids, ISO_UTC, pause } from './support/assertions';
import {
  createApplication,
  createGroup,
  createTenant,
  createUser,
  expectValidationError,
  TenantFixture,
} from './support/fixtures';
import { bearer, startTestApp, TestApp } from './support/test-app';

/**
 * What only applications do: the client_id, the status, equal names, what a delete takes
 * with it. What they share with users and groups (CRUD, listing, paging, q, isolation,
 * scopes) is in crud-resources.e2e-spec.ts; the request checks that need no database are
 * in src/applications/applications.controller.spec.ts.
 */
describe('Applications', () => {
  let t: TestApp;
  let tenant: TenantFixture;
  let other: TenantFixture;

  const applications = (tenantId: string) => `/api/v1/tenants/${tenantId}/applications`;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenant(t, 'Applications Tenant');
    other = await createTenant(t, 'Other Tenant');
  });

  afterAll(async () => {
    await t.close();
  });

  describe('create and update', () => {
    it('defaults the description to null and accepts an explicit status', async () => {
      const plain = await t.http.post(applications(tenant.id)).set(bearer(tenant.token)).send({ name: 'Plain' }).expect(201);
      expect(plain.body.data).toMatchObject({ description: null, status: 'active' });
      const inactive = await t.http
        .post(applications(tenant.id))
        .set(bearer(tenant.token))
        .send({ name: 'Off', status: 'inactive' })
        .expect(201);
      expect(inactive.body.data.status).toBe('inactive');
    });

    it('gives every application its own client_id, unique across tenants', async () => {
      const clientIds: string[] = [];
      for (const owner of [tenant, other]) {
        for (let index = 0; index < 10; index += 1) {
          const response = await t.http
            .post(applications(owner.id))
            .set(bearer(owner.token))
            .send({ name: 'Same name' })
            .expect(201);
          expect(response.body.data.client_id).toMatch(CLIENT_ID);
          clientIds.push(response.body.data.client_id);
        }
      }
      expect(new Set(clientIds).size).toBe(clientIds.length);
      const rows: Array<{ count: string }> = await t.dataSource.query(
        'SELECT count(*) AS count FROM applications WHERE client_id = ANY($1::varchar[])',
        [clientIds],
      );
      expect(Number(rows[0].count)).toBe(clientIds.length);
    });

    it('changes the status and clears the description, and never changes the client_id', async () => {
      const created = await t.http
        .post(applications(tenant.id))
        .set(bearer(tenant.token))
        .send({ name: 'Before', description: 'd' })
        .expect(201);
      const id = created.body.data.id;

      await pause();
      const response = await t.http
        .patch(`${applications(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send({ status: 'inactive', description: null })
        .expect(200);
      expectOne(response, {
        ...created.body.data,
        description: null,
        status: 'inactive',
        updated_at: expect.stringMatching(ISO_UTC),
      });
      expectTouched(response.body.data, created.body.data);
      expect(response.body.data.client_id).toBe(created.body.data.client_id);

      const read = await t.http
        .get(`${applications(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .expect(200);
      expect(read.body.data).toEqual(response.body.data);
    });
  });

  describe('client_id is not the client’s to choose', () => {
    it('answers 422 naming client_id on create, and writes nothing', async () => {
      const before = await countRows(t, 'applications', 'tenant_id = $1', [tenant.id]);
      const response = await t.http
        .post(applications(tenant.id))
        .set(bearer(tenant.token))
        .send({ name: 'Chosen', client_id: 'app_mine' })
        .expect(422);
      expectValidationError(response.body, ['body', 'client_id'], 'extra_forbidden');
      expect(await countRows(t, 'applications', 'tenant_id = $1', [tenant.id])).toBe(before);
      expect(await countRows(t, 'applications', 'client_id = $1', ['app_mine'])).toBe(0);
    });

    it('answers 422 naming client_id on update, and changes nothing', async () => {
      const id = await createApplication(t, tenant);
      const before = (await t.http.get(`${applications(tenant.id)}/${id}`).set(bearer(tenant.token))).body.data;
      const response = await t.http
        .patch(`${applications(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send({ name: 'Renamed', client_id: 'app_mine' })
        .expect(422);
      expectValidationError(response.body, ['body', 'client_id'], 'extra_forbidden');
      expect((await t.http.get(`${applications(tenant.id)}/${id}`).set(bearer(tenant.token))).body.data).toEqual(before);
    });
  });

  describe('equal names', () => {
    let listed: TenantFixture;
    let sameNameIds: string[];

    beforeAll(async () => {
      listed = await createTenant(t, 'Listed');
      for (const name of ['Wiki', 'CRM', 'Payroll']) await createApplication(t, listed, name);
      sameNameIds = [];
      for (let index = 0; index < 3; index += 1) sameNameIds.push(await createApplication(t, listed, 'Mail'));
      sameNameIds.sort();
    });

    it('are listed by id', async () => {
      const response = await t.http.get(applications(listed.id)).set(bearer(listed.token)).expect(200);
      expectPage(response, { page: 1, per_page: 20, total_items: 6, total_pages: 1 });
      expect(response.body.data.map((app: { name: string }) => app.name)).toEqual([
        'CRM',
        'Mail',
        'Mail',
        'Mail',
        'Payroll',
        'Wiki',
      ]);
      expect(ids(response).slice(1, 4)).toEqual(sameNameIds);
    });

    it('are paged through without skipping or repeating any', async () => {
      const all = ids(await t.http.get(applications(listed.id)).set(bearer(listed.token)).expect(200));
      const seen: string[] = [];
      for (const page of [1, 2, 3, 4, 5, 6]) {
        const response = await t.http
          .get(applications(listed.id))
          .query({ page, per_page: 1 })
          .set(bearer(listed.token))
          .expect(200);
        expectPage(response, { page, per_page: 1, total_items: 6, total_pages: 6 });
        seen.push(...ids(response));
      }
      expect(seen).toEqual(all);
      const fours = await t.http
        .get(applications(listed.id))
        .query({ page: 2, per_page: 4 })
        .set(bearer(listed.token))
        .expect(200);
      expectPage(fours, { page: 2, per_page: 4, total_items: 6, total_pages: 2 });
      expect(ids(fours)).toEqual(all.slice(4));
      const past = await t.http
        .get(applications(listed.id))
        .query({ page: 3, per_page: 4 })
        .set(bearer(listed.token))
        .expect(200);
      expectPage(past, { page: 3, per_page: 4, total_items: 6, total_pages: 2 }, []);
    });
  });

  describe('deleting an application', () => {
    it('removes every user and group assignment to it, and nothing else', async () => {
      const owner = await createTenant(t);
      const doomed = await createApplication(t, owner, 'Doomed');
      const kept = await createApplication(t, owner, 'Kept');
      const user = await createUser(t, owner);
      const group = await createGroup(t, owner);
      await t.dataSource.query(
        `INSERT INTO user_app_assignments (tenant_id, user_id, application_id, assigned_by) VALUES ($1, $2, $3, 'test'), ($1, $2, $4, 'test')`,
        [owner.id, user, doomed, kept],
      );
      await t.dataSource.query(
        `INSERT INTO group_app_assignments (tenant_id, group_id, application_id, assigned_by) VALUES ($1, $2, $3, 'test'), ($1, $2, $4, 'test')`,
        [owner.id, group, doomed, kept],
      );

      await t.http
        .delete(`${applications(owner.id)}/${doomed}`)
        .set(bearer(owner.token))
        .expect(204);

      expect(await countRows(t, 'user_app_assignments', 'tenant_id = $1 AND application_id = $2', [owner.id, doomed])).toBe(0);
      expect(await countRows(t, 'group_app_assignments', 'tenant_id = $1 AND application_id = $2', [owner.id, doomed])).toBe(0);
      expect(await countRows(t, 'user_app_assignments', 'tenant_id = $1 AND application_id = $2', [owner.id, kept])).toBe(1);
      expect(await countRows(t, 'group_app_assignments', 'tenant_id = $1 AND application_id = $2', [owner.id, kept])).toBe(1);
      await t.http.get(`/api/v1/tenants/${owner.id}/users/${user}`).set(bearer(owner.token)).expect(200);
      await t.http.get(`/api/v1/tenants/${owner.id}/groups/${group}`).set(bearer(owner.token)).expect(200);
    });
  });
});
