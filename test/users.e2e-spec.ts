import { randomUUID } from 'node:crypto';
import { countRows, expectPage, expectTouched, ids, pause } from './support/assertions';
import { addMember, createApplication, createGroup, createTenant, createUser, TenantFixture } from './support/fixtures';
import { bearer, startTestApp, TestApp } from './support/test-app';

/**
 * What only users do. What they share with groups and applications (CRUD, listing, paging,
 * q, the unique email, isolation, scopes) is in crud-resources.e2e-spec.ts; the request
 * checks that need no database are in src/users/users.controller.spec.ts.
 */
describe('Users', () => {
  let t: TestApp;
  let tenant: TenantFixture;

  const users = (tenantId: string) => `/api/v1/tenants/${tenantId}/users`;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenant(t, 'Users Tenant');
  });

  afterAll(async () => {
    await t.close();
  });

  describe('create and update', () => {
    it('accepts an explicit status', async () => {
      const response = await t.http
        .post(users(tenant.id))
        .set(bearer(tenant.token))
        .send({ email: `${randomUUID()}@example.com`, display_name: 'Suspended', status: 'suspended' })
        .expect(201);
      expect(response.body.data.status).toBe('suspended');
    });

    it('changes the email and the status together, keeping the rest', async () => {
      const id = await createUser(t, tenant, `${randomUUID()}@example.com`, 'Before');
      await t.http
        .patch(`${users(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send({ display_name: 'After' })
        .expect(200);
      const before = (
        await t.http
          .get(`${users(tenant.id)}/${id}`)
          .set(bearer(tenant.token))
          .expect(200)
      ).body.data;

      await pause();
      const newEmail = `new-${randomUUID()}@example.com`;
      const both = await t.http
        .patch(`${users(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send({ email: newEmail, status: 'suspended' })
        .expect(200);
      expect(both.body.data).toMatchObject({
        id,
        email: newEmail,
        display_name: 'After',
        status: 'suspended',
        created_at: before.created_at,
      });
      expectTouched(both.body.data, before);

      const read = await t.http
        .get(`${users(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .expect(200);
      expect(read.body.data).toEqual(both.body.data);
    });
  });

  describe('listing', () => {
    it('filters with q on the email as well as the display name, case-insensitively', async () => {
      const listed = await createTenant(t, 'Listed');
      for (const email of ['carol@example.com', 'alice@example.com', 'erin@example.com', 'bob@example.com', 'dave@example.com'])
        await createUser(t, listed, email, `Name of ${email.split('@')[0]}`);

      const byEmail = await t.http.get(users(listed.id)).query({ q: 'ALICE' }).set(bearer(listed.token)).expect(200);
      expectPage(byEmail, { page: 1, per_page: 20, total_items: 1, total_pages: 1 });
      expect(byEmail.body.data[0].email).toBe('alice@example.com');

      const byName = await t.http.get(users(listed.id)).query({ q: 'name of d' }).set(bearer(listed.token)).expect(200);
      expect(byName.body.data.map((user: { email: string }) => user.email)).toEqual(['dave@example.com']);

      const shared = await t.http
        .get(users(listed.id))
        .query({ q: 'example.com', per_page: 2 })
        .set(bearer(listed.token))
        .expect(200);
      expectPage(shared, { page: 1, per_page: 2, total_items: 5, total_pages: 3 });

      const none = await t.http.get(users(listed.id)).query({ q: 'zzz-nobody' }).set(bearer(listed.token)).expect(200);
      expectPage(none, { page: 1, per_page: 20, total_items: 0, total_pages: 0 }, []);
    });
  });

  describe('deleting a user', () => {
    it('removes their group memberships and application assignments, and nothing else', async () => {
      const owner = await createTenant(t);
      const leaving = await createUser(t, owner, 'leaving@example.com');
      const staying = await createUser(t, owner, 'staying@example.com');
      const groupA = await createGroup(t, owner, 'A');
      const groupB = await createGroup(t, owner, 'B');
      const app = await createApplication(t, owner);
      await addMember(t, owner, groupA, leaving);
      await addMember(t, owner, groupB, leaving);
      await addMember(t, owner, groupA, staying);
      await t.dataSource.query(
        `INSERT INTO user_app_assignments (tenant_id, user_id, application_id, assigned_by) VALUES ($1, $2, $4, 'test'), ($1, $3, $4, 'test')`,
        [owner.id, leaving, staying, app],
      );

      await t.http
        .delete(`${users(owner.id)}/${leaving}`)
        .set(bearer(owner.token))
        .expect(204);

      expect(await countRows(t, 'group_memberships', 'tenant_id = $1 AND user_id = $2', [owner.id, leaving])).toBe(0);
      expect(await countRows(t, 'user_app_assignments', 'tenant_id = $1 AND user_id = $2', [owner.id, leaving])).toBe(0);
      expect(await countRows(t, 'group_memberships', 'tenant_id = $1 AND user_id = $2', [owner.id, staying])).toBe(1);
      expect(await countRows(t, 'user_app_assignments', 'tenant_id = $1 AND user_id = $2', [owner.id, staying])).toBe(1);

      const members = await t.http
        .get(`/api/v1/tenants/${owner.id}/groups/${groupA}/members`)
        .set(bearer(owner.token))
        .expect(200);
      expect(ids(members, 'user_id')).toEqual([staying]);
      expect(members.body.pagination.total_items).toBe(1);
      const emptied = await t.http
        .get(`/api/v1/tenants/${owner.id}/groups/${groupB}/members`)
        .set(bearer(owner.token))
        .expect(200);
      expectPage(emptied, { page: 1, per_page: 20, total_items: 0, total_pages: 0 }, []);
      await t.http.get(`/api/v1/tenants/${owner.id}/groups/${groupB}`).set(bearer(owner.token)).expect(200);
    });
  });
});
