import { randomUUID } from 'node:crypto';
import {
  countRows,
  expectDetail,
  expectOne,
  expectPage,
  expectTouched,
  expectUnauthenticated,
  ids,
  ISO_UTC,
  pause,
  snapshot,
  UNKNOWN_ID,
} from './support/assertions';
import {
  addMember,
  createApplication,
  createGroup,
  createTenant,
  createUser,
  expectValidationError,
  TenantFixture,
} from './support/fixtures';
import { bearer, startTestApp, TestApp, tokenFor } from './support/test-app';

/**
 * What only groups do: the description, members, what a delete takes with it. What they
 * share with users and applications (CRUD, listing, paging, q, the unique name, isolation,
 * scopes) is in crud-resources.e2e-spec.ts; the request checks that need no database are
 * in src/groups/groups.controller.spec.ts.
 */
describe('Groups', () => {
  let t: TestApp;
  let tenant: TenantFixture;
  let other: TenantFixture;

  const groups = (tenantId: string) => `/api/v1/tenants/${tenantId}/groups`;
  const members = (tenantId: string, groupId: string) => `${groups(tenantId)}/${groupId}/members`;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenant(t, 'Groups Tenant');
    other = await createTenant(t, 'Other Tenant');
  });

  afterAll(async () => {
    await t.close();
  });

  describe('the description', () => {
    it('defaults the description to null', async () => {
      const response = await t.http
        .post(groups(tenant.id))
        .set(bearer(tenant.token))
        .send({ name: `g-${randomUUID()}` })
        .expect(201);
      expect(response.body.data.description).toBeNull();
      const explicit = await t.http
        .post(groups(tenant.id))
        .set(bearer(tenant.token))
        .send({ name: `g-${randomUUID()}`, description: null })
        .expect(201);
      expect(explicit.body.data.description).toBeNull();
    });

    it('keeps the description on a rename, and clears it with null', async () => {
      const name = `before-${randomUUID()}`;
      const created = await t.http
        .post(groups(tenant.id))
        .set(bearer(tenant.token))
        .send({ name, description: 'old' })
        .expect(201);
      const id = created.body.data.id;

      await pause();
      const renamed = `after-${randomUUID()}`;
      const response = await t.http
        .patch(`${groups(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send({ name: renamed })
        .expect(200);
      expectOne(response, { ...created.body.data, name: renamed, updated_at: expect.stringMatching(ISO_UTC) });
      expectTouched(response.body.data, created.body.data);

      const cleared = await t.http
        .patch(`${groups(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send({ description: null })
        .expect(200);
      expect(cleared.body.data).toMatchObject({ id, name: renamed, description: null });

      const read = await t.http
        .get(`${groups(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .expect(200);
      expect(read.body.data).toEqual(cleared.body.data);
    });
  });

  describe('member routes: authentication and authorization', () => {
    let id: string;
    let userId: string;

    beforeAll(async () => {
      id = await createGroup(t, tenant);
      userId = await createUser(t, tenant);
    });

    const requests = () => [
      { name: 'list members', write: false, run: () => t.http.get(members(tenant.id, id)) },
      { name: 'add member', write: true, run: () => t.http.post(members(tenant.id, id)).send({ user_id: userId }) },
      { name: 'remove member', write: true, run: () => t.http.delete(`${members(tenant.id, id)}/${userId}`) },
    ];

    it('answers 401 with a Bearer challenge without a token', async () => {
      for (const request of requests()) expectUnauthenticated(await request.run());
    });

    it('answers 403 with a token for another tenant, and changes nothing', async () => {
      const groupsBefore = await snapshot(t, 'groups', tenant.id);
      const membersBefore = await snapshot(t, 'group_memberships', tenant.id);
      for (const request of requests()) {
        const response = await request.run().set(bearer(other.token));
        expect({ name: request.name, status: response.status }).toEqual({ name: request.name, status: 403 });
        expectDetail(response);
      }
      expect(await snapshot(t, 'groups', tenant.id)).toEqual(groupsBefore);
      expect(await snapshot(t, 'group_memberships', tenant.id)).toEqual(membersBefore);
    });

    it('answers 403 for writes with only groups:read, and changes nothing', async () => {
      const readOnly = tokenFor(tenant.id, ['groups:read', 'users:read', 'users:write']);
      const groupsBefore = await snapshot(t, 'groups', tenant.id);
      const membersBefore = await snapshot(t, 'group_memberships', tenant.id);
      for (const request of requests()) {
        const response = await request.run().set(bearer(readOnly));
        expect({ name: request.name, status: response.status }).toEqual({
          name: request.name,
          status: request.write ? 403 : 200,
        });
        if (request.write) expectDetail(response, /groups:write/);
      }
      expect(await snapshot(t, 'groups', tenant.id)).toEqual(groupsBefore);
      expect(await snapshot(t, 'group_memberships', tenant.id)).toEqual(membersBefore);
    });

    it('answers 403 for reads without groups:read', async () => {
      const writeOnly = tokenFor(tenant.id, ['groups:write', 'users:read']);
      for (const request of requests().filter(({ write }) => !write)) {
        const response = await request.run().set(bearer(writeOnly));
        expect(response.status).toBe(403);
        expectDetail(response, /groups:read/);
      }
    });
  });

  describe('member routes: tenant isolation', () => {
    it('answers 404 for a group in another tenant, and leaves it and its members untouched', async () => {
      const foreign = await createGroup(t, other, `foreign-${randomUUID()}`);
      const foreignUser = await createUser(t, other);
      await addMember(t, other, foreign, foreignUser);
      const groupsBefore = await snapshot(t, 'groups', other.id);
      const membersBefore = await snapshot(t, 'group_memberships', other.id);
      const myUser = await createUser(t, tenant);

      const path = `${groups(tenant.id)}/${foreign}`;
      expectDetail(await t.http.get(`${path}/members`).set(bearer(tenant.token)).expect(404));
      expectDetail(await t.http.post(`${path}/members`).set(bearer(tenant.token)).send({ user_id: myUser }).expect(404));
      expectDetail(await t.http.post(`${path}/members`).set(bearer(tenant.token)).send({ user_id: foreignUser }).expect(404));
      expectDetail(await t.http.delete(`${path}/members/${foreignUser}`).set(bearer(tenant.token)).expect(404));
      expectDetail(await t.http.delete(path).set(bearer(tenant.token)).expect(404));

      expect(await snapshot(t, 'groups', other.id)).toEqual(groupsBefore);
      expect(await snapshot(t, 'group_memberships', other.id)).toEqual(membersBefore);
      expect(await countRows(t, 'group_memberships', 'group_id = $1 OR user_id = $2', [foreign, myUser])).toBe(1);
    });

    it('answers 404 for the members of a group that exists nowhere', async () => {
      expectDetail(await t.http.get(members(tenant.id, UNKNOWN_ID)).set(bearer(tenant.token)).expect(404));
    });
  });

  describe('members', () => {
    it('adds a member with 201 and the member in the envelope, then lists them', async () => {
      const groupId = await createGroup(t, tenant);
      const email = `member-${randomUUID()}@example.com`;
      const userId = await createUser(t, tenant, email, 'Member One');

      const empty = await t.http.get(members(tenant.id, groupId)).set(bearer(tenant.token)).expect(200);
      expectPage(empty, { page: 1, per_page: 20, total_items: 0, total_pages: 0 }, []);

      const added = await t.http
        .post(members(tenant.id, groupId))
        .set(bearer(tenant.token))
        .send({ user_id: userId })
        .expect(201);
      const member = {
        user_id: userId,
        group_id: groupId,
        email,
        display_name: 'Member One',
        status: 'active',
        added_at: expect.stringMatching(ISO_UTC),
      };
      expectOne(added, member);
      const age = Date.now() - Date.parse(added.body.data.added_at);
      expect(age).toBeGreaterThanOrEqual(-5_000);
      expect(age).toBeLessThan(60_000);

      const listed = await t.http.get(members(tenant.id, groupId)).set(bearer(tenant.token)).expect(200);
      expectPage(listed, { page: 1, per_page: 20, total_items: 1, total_pages: 1 }, [added.body.data]);
    });

    it('lists members by email with pagination, and only the members of that group', async () => {
      const owner = await createTenant(t);
      const groupId = await createGroup(t, owner, 'Team');
      const otherGroup = await createGroup(t, owner, 'Other team');
      const emails = ['mike@example.com', 'kate@example.com', 'lena@example.com', 'john@example.com', 'nina@example.com'];
      const userIds: Record<string, string> = {};
      for (const email of emails) {
        userIds[email] = await createUser(t, owner, email);
        await addMember(t, owner, groupId, userIds[email]);
      }
      const outsider = await createUser(t, owner, 'aaron@example.com');
      await addMember(t, owner, otherGroup, outsider);

      const sorted = [...emails].sort();
      const all = await t.http.get(members(owner.id, groupId)).set(bearer(owner.token)).expect(200);
      expectPage(all, { page: 1, per_page: 20, total_items: 5, total_pages: 1 });
      expect(all.body.data.map((row: { email: string }) => row.email)).toEqual(sorted);
      expect(ids(all, 'user_id')).toEqual(sorted.map((email) => userIds[email]));
      for (const row of all.body.data) expect(row.group_id).toBe(groupId);

      const second = await t.http
        .get(members(owner.id, groupId))
        .query({ page: 2, per_page: 2 })
        .set(bearer(owner.token))
        .expect(200);
      expectPage(second, { page: 2, per_page: 2, total_items: 5, total_pages: 3 });
      expect(second.body.data.map((row: { email: string }) => row.email)).toEqual(sorted.slice(2, 4));

      const past = await t.http
        .get(members(owner.id, groupId))
        .query({ page: 9, per_page: 2 })
        .set(bearer(owner.token))
        .expect(200);
      expectPage(past, { page: 9, per_page: 2, total_items: 5, total_pages: 3 }, []);

      // One round-trip; page=0 and a page past MAX_SAFE_INTEGER are in the controller spec.
      const tooMany = await t.http.get(members(owner.id, groupId)).query({ per_page: 101 }).set(bearer(owner.token)).expect(422);
      expectValidationError(tooMany.body, ['query', 'per_page'], 'less_than_equal');
    });

    it('reflects a change of the user in the member list', async () => {
      const groupId = await createGroup(t, tenant);
      const userId = await createUser(t, tenant);
      await addMember(t, tenant, groupId, userId);
      const email = `renamed-${randomUUID()}@example.com`;
      await t.http
        .patch(`/api/v1/tenants/${tenant.id}/users/${userId}`)
        .set(bearer(tenant.token))
        .send({ email, display_name: 'Renamed', status: 'suspended' })
        .expect(200);
      const listed = await t.http.get(members(tenant.id, groupId)).set(bearer(tenant.token)).expect(200);
      expect(listed.body.data).toEqual([
        expect.objectContaining({ user_id: userId, email, display_name: 'Renamed', status: 'suspended' }),
      ]);
    });

    it('answers 409 when the user is already a member, and keeps one membership', async () => {
      const groupId = await createGroup(t, tenant);
      const userId = await createUser(t, tenant);
      await addMember(t, tenant, groupId, userId);
      const before = await snapshot(t, 'group_memberships', tenant.id);
      const response = await t.http
        .post(members(tenant.id, groupId))
        .set(bearer(tenant.token))
        .send({ user_id: userId })
        .expect(409);
      expectDetail(response);
      expect(await snapshot(t, 'group_memberships', tenant.id)).toEqual(before);
      expect(await countRows(t, 'group_memberships', 'tenant_id = $1 AND group_id = $2', [tenant.id, groupId])).toBe(1);
    });

    it('lets exactly one of several concurrent identical adds succeed', async () => {
      const groupId = await createGroup(t, tenant);
      const userId = await createUser(t, tenant);
      const responses = await Promise.all(
        [1, 2, 3, 4, 5].map(() => t.http.post(members(tenant.id, groupId)).set(bearer(tenant.token)).send({ user_id: userId })),
      );
      expect(responses.map((response) => response.status).sort()).toEqual([201, 409, 409, 409, 409]);
      expect(await countRows(t, 'group_memberships', 'tenant_id = $1 AND group_id = $2', [tenant.id, groupId])).toBe(1);
    });

    it('adds the same user to several groups', async () => {
      const userId = await createUser(t, tenant);
      const first = await createGroup(t, tenant);
      const second = await createGroup(t, tenant);
      await addMember(t, tenant, first, userId);
      await addMember(t, tenant, second, userId);
      expect(await countRows(t, 'group_memberships', 'tenant_id = $1 AND user_id = $2', [tenant.id, userId])).toBe(2);
    });

    it('answers 404 for a user of another tenant or no user at all, and writes nothing', async () => {
      const groupId = await createGroup(t, tenant);
      const foreignUser = await createUser(t, other);
      for (const userId of [foreignUser, UNKNOWN_ID]) {
        const response = await t.http
          .post(members(tenant.id, groupId))
          .set(bearer(tenant.token))
          .send({ user_id: userId })
          .expect(404);
        expectDetail(response);
      }
      expect(await countRows(t, 'group_memberships', 'group_id = $1', [groupId])).toBe(0);
      expect(await countRows(t, 'group_memberships', 'user_id = $1', [foreignUser])).toBe(0);
    });

    // One round-trip of a refused body; the other refusals (and a missing body) are in the controller spec.
    it('answers 422 on add for a malformed user_id, and writes nothing', async () => {
      const groupId = await createGroup(t, tenant);
      const response = await t.http
        .post(members(tenant.id, groupId))
        .set(bearer(tenant.token))
        .send({ user_id: 'not-a-uuid' })
        .expect(422);
      expectValidationError(response.body, ['body', 'user_id'], 'uuid_parsing');
      expect(await countRows(t, 'group_memberships', 'group_id = $1', [groupId])).toBe(0);
    });

    it('removes a member with 204, leaving the user and the group', async () => {
      const groupId = await createGroup(t, tenant);
      const leaving = await createUser(t, tenant);
      const staying = await createUser(t, tenant);
      await addMember(t, tenant, groupId, leaving);
      await addMember(t, tenant, groupId, staying);

      const response = await t.http
        .delete(`${members(tenant.id, groupId)}/${leaving}`)
        .set(bearer(tenant.token))
        .expect(204);
      expect(response.text).toBe('');

      const listed = await t.http.get(members(tenant.id, groupId)).set(bearer(tenant.token)).expect(200);
      expect(ids(listed, 'user_id')).toEqual([staying]);
      await t.http.get(`/api/v1/tenants/${tenant.id}/users/${leaving}`).set(bearer(tenant.token)).expect(200);

      expectDetail(
        await t.http
          .delete(`${members(tenant.id, groupId)}/${leaving}`)
          .set(bearer(tenant.token))
          .expect(404),
      );
      // Added again after removal: a fresh membership.
      await addMember(t, tenant, groupId, leaving);
    });

    it('answers 404 when removing a user who is not a member, or belongs to another tenant', async () => {
      const groupId = await createGroup(t, tenant);
      const notMember = await createUser(t, tenant);
      const foreignGroup = await createGroup(t, other);
      const foreignUser = await createUser(t, other);
      await addMember(t, other, foreignGroup, foreignUser);
      expectDetail(
        await t.http
          .delete(`${members(tenant.id, groupId)}/${notMember}`)
          .set(bearer(tenant.token))
          .expect(404),
      );
      expectDetail(
        await t.http
          .delete(`${members(tenant.id, groupId)}/${foreignUser}`)
          .set(bearer(tenant.token))
          .expect(404),
      );
      expectDetail(
        await t.http
          .delete(`${members(tenant.id, foreignGroup)}/${foreignUser}`)
          .set(bearer(tenant.token))
          .expect(404),
      );
      expect(await countRows(t, 'group_memberships', 'tenant_id = $1 AND group_id = $2', [other.id, foreignGroup])).toBe(1);
    });
  });

  describe('deleting a group', () => {
    it('removes its memberships and application assignments, and keeps the users', async () => {
      const owner = await createTenant(t);
      const doomed = await createGroup(t, owner, 'Doomed');
      const kept = await createGroup(t, owner, 'Kept');
      const alice = await createUser(t, owner, 'alice@example.com');
      const bob = await createUser(t, owner, 'bob@example.com');
      const app = await createApplication(t, owner);
      await addMember(t, owner, doomed, alice);
      await addMember(t, owner, doomed, bob);
      await addMember(t, owner, kept, alice);
      await t.dataSource.query(
        `INSERT INTO group_app_assignments (tenant_id, group_id, application_id, assigned_by) VALUES ($1, $2, $4, 'test'), ($1, $3, $4, 'test')`,
        [owner.id, doomed, kept, app],
      );

      await t.http
        .delete(`${groups(owner.id)}/${doomed}`)
        .set(bearer(owner.token))
        .expect(204);

      expect(await countRows(t, 'group_memberships', 'tenant_id = $1 AND group_id = $2', [owner.id, doomed])).toBe(0);
      expect(await countRows(t, 'group_app_assignments', 'tenant_id = $1 AND group_id = $2', [owner.id, doomed])).toBe(0);
      expect(await countRows(t, 'group_memberships', 'tenant_id = $1 AND group_id = $2', [owner.id, kept])).toBe(1);
      expect(await countRows(t, 'group_app_assignments', 'tenant_id = $1 AND group_id = $2', [owner.id, kept])).toBe(1);

      const users = await t.http.get(`/api/v1/tenants/${owner.id}/users`).set(bearer(owner.token)).expect(200);
      expect(ids(users)).toEqual([alice, bob]);
      expectDetail(await t.http.get(members(owner.id, doomed)).set(bearer(owner.token)).expect(404));
      const keptMembers = await t.http.get(members(owner.id, kept)).set(bearer(owner.token)).expect(200);
      expect(ids(keptMembers, 'user_id')).toEqual([alice]);
    });
  });
});
