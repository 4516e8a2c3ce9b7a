import { randomUUID } from 'node:crypto';
import { Scope } from '../src/common/auth/scopes';
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

describe('App Assignments', () => {
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
  const auth = () => bearer(tenant.token);

  const assignUser = (userId: string, applicationId: string) =>
    t.http.post(`${base()}/users/${userId}/applications`).set(auth()).send({ application_id: applicationId });
  const assignGroup = (groupId: string, applicationId: string) =>
    t.http.post(`${base()}/groups/${groupId}/applications`).set(auth()).send({ application_id: applicationId });
  const userApps = (userId: string, query = '') => t.http.get(`${base()}/users/${userId}/applications${query}`).set(auth());
  const effectiveUsers = (applicationId: string, query = '') =>
    t.http.get(`${base()}/applications/${applicationId}/effective-users${query}`).set(auth());
  const rowCount = async (table: string, where = 'tenant_id = $1', params: unknown[] = [tenant.id]) =>
    Number((await t.dataSource.query(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, params))[0].n);

  describe('assign to a user', () => {
    it('answers 201 with the assignment and records who made it and when', async () => {
      const user = await createUser(t, tenant);
      const app = await createApplication(t, tenant);
      const before = Date.now();
      const response = await t.http
        .post(`${base()}/users/${user}/applications`)
        .set(bearer(tokenFor(tenant.id, [Scope.AssignmentsWrite], 'alice@idp')))
        .send({ application_id: app })
        .expect(201);
      expect(response.body.data).toEqual({
        user_id: user,
        application_id: app,
        assignment_type: 'direct',
        assigned_at: expect.any(String),
      });
      expect(response.body.meta).toEqual({ request_id: expect.any(String), timestamp: expect.any(String) });
      expect(new Date(response.body.data.assigned_at).getTime()).toBeGreaterThanOrEqual(before - 1000);
      const [row] = await t.dataSource.query(
        'SELECT assigned_by FROM user_app_assignments WHERE tenant_id = $1 AND user_id = $2 AND application_id = $3',
        [tenant.id, user, app],
      );
      expect(row.assigned_by).toBe('alice@idp');
    });

    it('answers 409 for a duplicate and keeps one row', async () => {
      const user = await createUser(t, tenant);
      const app = await createApplication(t, tenant);
      await assignUser(user, app).expect(201);
      const duplicate = await assignUser(user, app).expect(409);
      expect(duplicate.body).toEqual({ detail: expect.any(String) });
      expect(await rowCount('user_app_assignments')).toBe(1);
    });

    it('gives exactly one 201 and nineteen 409 for 20 concurrent identical requests', async () => {
      const user = await createUser(t, tenant);
      const app = await createApplication(t, tenant);
      const responses = await Promise.all(Array.from({ length: 20 }, () => assignUser(user, app)));
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409)).toHaveLength(19);
      expect(await rowCount('user_app_assignments')).toBe(1);
    });

    it('answers 404 for an unknown user or application and writes nothing', async () => {
      const user = await createUser(t, tenant);
      const app = await createApplication(t, tenant);
      expect((await assignUser(randomUUID(), app).expect(404)).body).toEqual({ detail: 'User not found' });
      expect((await assignUser(user, randomUUID()).expect(404)).body).toEqual({ detail: 'Application not found' });
      expect(await rowCount('user_app_assignments')).toBe(0);
    });
  });

  describe('bulk assign to a user', () => {
    const bulk = (userId: string, ids: unknown) =>
      t.http.post(`${base()}/users/${userId}/applications/bulk`).set(auth()).send({ application_ids: ids });

    it('assigns new ids, reports already-assigned ones and collapses duplicates', async () => {
      const user = await createUser(t, tenant);
      const [a, b, c] = [
        await createApplication(t, tenant),
        await createApplication(t, tenant),
        await createApplication(t, tenant),
      ];
      await assignUser(user, a).expect(201);
      const response = await bulk(user, [a, b, c, b]).expect(201);
      expect(response.body.data).toEqual({ user_id: user, assigned: [b, c], already_assigned: [a], assigned_count: 2 });
      expect(await rowCount('user_app_assignments')).toBe(3);
    });

    it('writes nothing and names the missing ids when one is unknown', async () => {
      const user = await createUser(t, tenant);
      const [a, b] = [await createApplication(t, tenant), await createApplication(t, tenant)];
      const unknown = randomUUID();
      const response = await bulk(user, [a, unknown, b]).expect(404);
      expect(response.body.detail).toContain(unknown);
      expect(response.body.detail).not.toContain(a);
      expect(await rowCount('user_app_assignments')).toBe(0);
    });

    it('treats an application of another tenant as unknown', async () => {
      const other = await createTenant(t);
      const foreign = await createApplication(t, other);
      const user = await createUser(t, tenant);
      const mine = await createApplication(t, tenant);
      const response = await bulk(user, [mine, foreign]).expect(404);
      expect(response.body.detail).toContain(foreign);
      expect(await rowCount('user_app_assignments')).toBe(0);
    });

    it('validates the list: non-empty, at most 500, each a UUID', async () => {
      const user = await createUser(t, tenant);
      expectValidationError((await bulk(user, []).expect(422)).body, ['body', 'application_ids'], 'too_short');
      const tooMany = Array.from({ length: 501 }, () => randomUUID());
      expectValidationError((await bulk(user, tooMany).expect(422)).body, ['body', 'application_ids'], 'too_long');
      const app = await createApplication(t, tenant);
      expectValidationError(
        (await bulk(user, [app, app, app, 'nope']).expect(422)).body,
        ['body', 'application_ids', 3],
        'uuid_parsing',
      );
      expectValidationError((await bulk(user, 'nope').expect(422)).body, ['body', 'application_ids'], 'list_type');
      expect(await rowCount('user_app_assignments')).toBe(0);
    });

    it('accepts exactly 500 applications', async () => {
      const user = await createUser(t, tenant);
      const ids: string[] = (
        await t.dataSource.query(
          `INSERT INTO applications (tenant_id, name, client_id)
           SELECT $1::uuid, 'bulk-' || n, 'app_bulk_' || $1::text || '_' || n FROM generate_series(1, 500) AS n RETURNING id`,
          [tenant.id],
        )
      ).map((row: { id: string }) => row.id);
      const response = await bulk(user, ids).expect(201);
      expect(response.body.data.assigned_count).toBe(500);
      expect(await rowCount('user_app_assignments')).toBe(500);
    });
  });

  describe('user applications', () => {
    it('lists an app reached directly and through two groups once, as direct', async () => {
      const user = await createUser(t, tenant);
      const app = await createApplication(t, tenant, 'Payroll');
      const [g1, g2] = [await createGroup(t, tenant), await createGroup(t, tenant)];
      await addMember(t, tenant, g1, user);
      await addMember(t, tenant, g2, user);
      await assignGroup(g1, app).expect(201);
      await assignGroup(g2, app).expect(201);
      await assignUser(user, app).expect(201);

      const response = await userApps(user).expect(200);
      expect(response.body.data).toEqual({
        user_id: user,
        applications: [
          {
            application_id: app,
            application_name: 'Payroll',
            application_client_id: expect.stringMatching(/^app_/),
            assigned_at: expect.any(String),
            assignment_type: 'direct',
            assigned_via: null,
          },
        ],
        total_count: 1,
      });
    });

    it('names the group with the oldest assignment when reached only through groups', async () => {
      const user = await createUser(t, tenant);
      const app = await createApplication(t, tenant);
      const [g1, g2] = [await createGroup(t, tenant), await createGroup(t, tenant)];
      await addMember(t, tenant, g1, user);
      await addMember(t, tenant, g2, user);
      await assignGroup(g2, app).expect(201);
      const first = await t.dataSource.query(
        'SELECT assigned_at FROM group_app_assignments WHERE tenant_id = $1 AND group_id = $2',
        [tenant.id, g2],
      );
      await assignGroup(g1, app).expect(201);

      const entry = (await userApps(user).expect(200)).body.data.applications;
      expect(entry).toHaveLength(1);
      expect(entry[0]).toMatchObject({ application_id: app, assignment_type: 'group', assigned_via: g2 });
      expect(entry[0].assigned_at).toBe(new Date(first[0].assigned_at).toISOString());
    });

    it('breaks a tie between groups assigned at the same instant by the smallest group id', async () => {
      const user = await createUser(t, tenant);
      const app = await createApplication(t, tenant);
      const groups = [await createGroup(t, tenant), await createGroup(t, tenant), await createGroup(t, tenant)];
      for (const group of groups) {
        await addMember(t, tenant, group, user);
        await t.dataSource.query(
          `INSERT INTO group_app_assignments (tenant_id, group_id, application_id, assigned_by, assigned_at)
           VALUES ($1, $2, $3, 'test', '2026-01-01T00:00:00Z')`,
          [tenant.id, group, app],
        );
      }
      const entry = (await userApps(user).expect(200)).body.data.applications[0];
      expect(entry.assigned_via).toBe([...groups].sort()[0]);
    });

    it('orders by application name, then id, and counts the entries', async () => {
      const user = await createUser(t, tenant);
      const group = await createGroup(t, tenant);
      await addMember(t, tenant, group, user);
      const zulu = await createApplication(t, tenant, 'Zulu');
      const alpha = await createApplication(t, tenant, 'Alpha');
      const mike = await createApplication(t, tenant, 'Mike');
      await assignUser(user, zulu).expect(201);
      await assignGroup(group, alpha).expect(201);
      await assignUser(user, mike).expect(201);
      const data = (await userApps(user).expect(200)).body.data;
      expect(data.applications.map((entry: { application_name: string }) => entry.application_name)).toEqual([
        'Alpha',
        'Mike',
        'Zulu',
      ]);
      expect(data.total_count).toBe(3);
    });

    it('returns direct assignments only with include_group_assignments=false', async () => {
      const user = await createUser(t, tenant);
      const group = await createGroup(t, tenant);
      await addMember(t, tenant, group, user);
      const direct = await createApplication(t, tenant, 'Direct');
      const viaGroup = await createApplication(t, tenant, 'Via group');
      await assignUser(user, direct).expect(201);
      await assignGroup(group, viaGroup).expect(201);

      const withoutGroups = (await userApps(user, '?include_group_assignments=false').expect(200)).body.data;
      expect(withoutGroups.applications.map((entry: { application_id: string }) => entry.application_id)).toEqual([direct]);
      expect(withoutGroups.total_count).toBe(1);
      const withGroups = (await userApps(user, '?include_group_assignments=true').expect(200)).body.data;
      expect(withGroups.total_count).toBe(2);
      expectValidationError(
        (await userApps(user, '?include_group_assignments=maybe').expect(422)).body,
        ['query', 'include_group_assignments'],
        'bool_parsing',
      );
    });

    it('drops an app when the user leaves the only group that grants it', async () => {
      const user = await createUser(t, tenant);
      const group = await createGroup(t, tenant);
      const app = await createApplication(t, tenant);
      await addMember(t, tenant, group, user);
      await assignGroup(group, app).expect(201);
      expect((await userApps(user).expect(200)).body.data.total_count).toBe(1);
      await t.http.delete(`${base()}/groups/${group}/members/${user}`).set(auth()).expect(204);
      expect((await userApps(user).expect(200)).body.data).toEqual({ user_id: user, applications: [], total_count: 0 });
    });

    it('answers 404 for an unknown user', async () => {
      await userApps(randomUUID()).expect(404);
    });
  });

  describe('group applications', () => {
    it("lists the group's assignments with the group as assigned_via, by name then id", async () => {
      const group = await createGroup(t, tenant);
      const b = await createApplication(t, tenant, 'Bravo');
      const a = await createApplication(t, tenant, 'Alpha');
      await assignGroup(group, b).expect(201);
      const created = await assignGroup(group, a).expect(201);
      expect(created.body.data).toEqual({
        group_id: group,
        application_id: a,
        assignment_type: 'group',
        assigned_at: expect.any(String),
      });

      const response = await t.http.get(`${base()}/groups/${group}/applications`).set(auth()).expect(200);
      expect(response.body.data.map((entry: { application_id: string }) => entry.application_id)).toEqual([a, b]);
      for (const entry of response.body.data) {
        expect(entry).toMatchObject({ assignment_type: 'group', assigned_via: group });
      }
    });

    it('answers 409 for a duplicate and 404 for an unknown group', async () => {
      const group = await createGroup(t, tenant);
      const app = await createApplication(t, tenant);
      await assignGroup(group, app).expect(201);
      await assignGroup(group, app).expect(409);
      await assignGroup(randomUUID(), app).expect(404);
      await t.http.get(`${base()}/groups/${randomUUID()}/applications`).set(auth()).expect(404);
    });
  });

  describe('assignees', () => {
    it('lists direct users and groups, oldest first, with totals', async () => {
      const app = await createApplication(t, tenant);
      const [u1, u2] = [await createUser(t, tenant), await createUser(t, tenant)];
      const [g1, g2] = [await createGroup(t, tenant), await createGroup(t, tenant)];
      await assignUser(u2, app).expect(201);
      await assignUser(u1, app).expect(201);
      await assignGroup(g2, app).expect(201);
      await assignGroup(g1, app).expect(201);
      const response = await t.http.get(`${base()}/applications/${app}/assignees`).set(auth()).expect(200);
      expect(response.body.data).toEqual({
        application_id: app,
        users: [u2, u1],
        groups: [g2, g1],
        total_users: 2,
        total_groups: 2,
      });
    });

    it('answers with empty lists for an application nobody has, 404 for an unknown one', async () => {
      const app = await createApplication(t, tenant);
      const response = await t.http.get(`${base()}/applications/${app}/assignees`).set(auth()).expect(200);
      expect(response.body.data).toEqual({ application_id: app, users: [], groups: [], total_users: 0, total_groups: 0 });
      await t.http.get(`${base()}/applications/${randomUUID()}/assignees`).set(auth()).expect(404);
    });
  });

  describe('effective users', () => {
    it('lists each user once with direct and sorted via_groups, ordered by email', async () => {
      const app = await createApplication(t, tenant);
      const both = await createUser(t, tenant, 'b@example.com', 'Both');
      const onlyDirect = await createUser(t, tenant, 'c@example.com', 'Direct');
      const onlyGroup = await createUser(t, tenant, 'a@example.com', 'Group');
      await createUser(t, tenant, 'd@example.com', 'Nobody');
      const groups = [await createGroup(t, tenant), await createGroup(t, tenant)];
      for (const group of groups) {
        await addMember(t, tenant, group, both);
        await assignGroup(group, app).expect(201);
      }
      await addMember(t, tenant, groups[0], onlyGroup);
      await assignUser(both, app).expect(201);
      await assignUser(onlyDirect, app).expect(201);

      const response = await effectiveUsers(app).expect(200);
      expect(response.body.pagination).toEqual({ page: 1, per_page: 20, total_items: 3, total_pages: 1 });
      expect(response.body.data).toEqual([
        {
          user_id: onlyGroup,
          email: 'a@example.com',
          display_name: 'Group',
          status: 'active',
          direct: false,
          via_groups: [groups[0]],
        },
        {
          user_id: both,
          email: 'b@example.com',
          display_name: 'Both',
          status: 'active',
          direct: true,
          via_groups: [...groups].sort(),
        },
        { user_id: onlyDirect, email: 'c@example.com', display_name: 'Direct', status: 'active', direct: true, via_groups: [] },
      ]);
    });

    it('returns every user exactly once across all pages, with exact totals', async () => {
      const app = await createApplication(t, tenant);
      const groups = [await createGroup(t, tenant), await createGroup(t, tenant), await createGroup(t, tenant)];
      const users: string[] = (
        await t.dataSource.query(
          `INSERT INTO users (tenant_id, email, display_name)
           SELECT $1, 'user' || lpad(n::text, 3, '0') || '@example.com', 'User ' || n FROM generate_series(1, 53) AS n
           RETURNING id`,
          [tenant.id],
        )
      ).map((row: { id: string }) => row.id);
      // Overlapping reach: every third user directly, every user in one or two groups;
      // groups[0] and groups[1] are assigned, groups[2] is not.
      const expected = new Set<string>();
      for (const [index, user] of users.entries()) {
        const direct = index % 3 === 0;
        const memberOf = index % 2 === 0 ? [index % 3, (index + 1) % 3] : [index % 3];
        if (direct) {
          await t.dataSource.query(
            `INSERT INTO user_app_assignments (tenant_id, user_id, application_id, assigned_by) VALUES ($1, $2, $3, 'test')`,
            [tenant.id, user, app],
          );
        }
        for (const group of memberOf) {
          await t.dataSource.query('INSERT INTO group_memberships (tenant_id, group_id, user_id) VALUES ($1, $2, $3)', [
            tenant.id,
            groups[group],
            user,
          ]);
        }
        if (direct || memberOf.some((group) => group !== 2)) expected.add(user);
      }
      await assignGroup(groups[0], app).expect(201);
      await assignGroup(groups[1], app).expect(201);
      expect(expected.size).toBeLessThan(users.length);

      const seen: string[] = [];
      let page = 1;
      let totalPages = Infinity;
      while (page <= totalPages) {
        const response = await effectiveUsers(app, `?page=${page}&per_page=7`).expect(200);
        expect(response.body.pagination.total_items).toBe(expected.size);
        expect(response.body.pagination.total_pages).toBe(Math.ceil(expected.size / 7));
        totalPages = response.body.pagination.total_pages;
        expect(response.body.data.length).toBe(page < totalPages ? 7 : expected.size - 7 * (totalPages - 1));
        seen.push(...response.body.data.map((row: { user_id: string }) => row.user_id));
        page += 1;
      }
      expect(seen).toHaveLength(expected.size);
      expect(new Set(seen)).toEqual(expected);
      const past = await effectiveUsers(app, `?page=${totalPages + 1}&per_page=7`).expect(200);
      expect(past.body.data).toEqual([]);
      expect(past.body.pagination.total_items).toBe(expected.size);
    });

    it('validates page and per_page and answers 404 for an unknown application', async () => {
      const app = await createApplication(t, tenant);
      expectValidationError((await effectiveUsers(app, '?page=0').expect(422)).body, ['query', 'page'], 'greater_than_equal');
      expectValidationError(
        (await effectiveUsers(app, '?per_page=101').expect(422)).body,
        ['query', 'per_page'],
        'less_than_equal',
      );
      expectValidationError((await effectiveUsers(app, '?per_page=abc').expect(422)).body, ['query', 'per_page'], 'int_parsing');
      await effectiveUsers(randomUUID()).expect(404);
    });
  });

  describe('unassign', () => {
    it('removes a direct assignment (204) and answers 404 when there is none', async () => {
      const user = await createUser(t, tenant);
      const app = await createApplication(t, tenant);
      await assignUser(user, app).expect(201);
      const deleted = await t.http.delete(`${base()}/users/${user}/applications/${app}`).set(auth()).expect(204);
      expect(deleted.text).toBe('');
      await t.http.delete(`${base()}/users/${user}/applications/${app}`).set(auth()).expect(404);
      expect((await userApps(user).expect(200)).body.data.total_count).toBe(0);
    });

    it('removes a group assignment and with it the access of its members', async () => {
      const user = await createUser(t, tenant);
      const group = await createGroup(t, tenant);
      const app = await createApplication(t, tenant);
      await addMember(t, tenant, group, user);
      await assignGroup(group, app).expect(201);
      await t.http.delete(`${base()}/groups/${group}/applications/${app}`).set(auth()).expect(204);
      await t.http.delete(`${base()}/groups/${group}/applications/${app}`).set(auth()).expect(404);
      expect((await userApps(user).expect(200)).body.data.total_count).toBe(0);
      expect((await effectiveUsers(app).expect(200)).body.pagination.total_items).toBe(0);
    });
  });

  describe('cascades', () => {
    it('deleting a group, an application or a user removes their assignments', async () => {
      const user = await createUser(t, tenant);
      const group = await createGroup(t, tenant);
      const [a1, a2] = [await createApplication(t, tenant), await createApplication(t, tenant)];
      await addMember(t, tenant, group, user);
      await assignGroup(group, a1).expect(201);
      await assignUser(user, a2).expect(201);
      await assignUser(user, a1).expect(201);

      await t.http.delete(`${base()}/groups/${group}`).set(auth()).expect(204);
      expect(await rowCount('group_app_assignments')).toBe(0);
      expect(await rowCount('group_memberships')).toBe(0);
      expect((await effectiveUsers(a1).expect(200)).body.data.map((row: { direct: boolean }) => row.direct)).toEqual([true]);

      await t.http.delete(`${base()}/applications/${a1}`).set(auth()).expect(204);
      expect(await rowCount('user_app_assignments')).toBe(1);

      await t.http.delete(`${base()}/users/${user}`).set(auth()).expect(204);
      expect(await rowCount('user_app_assignments')).toBe(0);
      expect((await t.http.get(`${base()}/applications/${a2}/assignees`).set(auth()).expect(200)).body.data.total_users).toBe(0);
    });
  });

  describe('tenant isolation', () => {
    it('answers 404 on every one of the nine operations for ids of another tenant, and changes nothing', async () => {
      const other = await createTenant(t);
      const foreignUser = await createUser(t, other);
      const foreignGroup = await createGroup(t, other);
      const foreignApp = await createApplication(t, other);
      await t.http
        .post(`/api/v1/tenants/${other.id}/users/${foreignUser}/applications`)
        .set(bearer(other.token))
        .send({ application_id: foreignApp })
        .expect(201);
      await t.http
        .post(`/api/v1/tenants/${other.id}/groups/${foreignGroup}/applications`)
        .set(bearer(other.token))
        .send({ application_id: foreignApp })
        .expect(201);
      const myUser = await createUser(t, tenant);
      const myGroup = await createGroup(t, tenant);
      const myApp = await createApplication(t, tenant);

      const calls: Array<[string, () => ReturnType<typeof t.http.get>]> = [
        ['assignees', () => t.http.get(`${base()}/applications/${foreignApp}/assignees`)],
        ['effective users', () => t.http.get(`${base()}/applications/${foreignApp}/effective-users`)],
        ['group applications', () => t.http.get(`${base()}/groups/${foreignGroup}/applications`)],
        [
          'assign to foreign group',
          () => t.http.post(`${base()}/groups/${foreignGroup}/applications`).send({ application_id: myApp }),
        ],
        [
          'assign foreign app to group',
          () => t.http.post(`${base()}/groups/${myGroup}/applications`).send({ application_id: foreignApp }),
        ],
        ['unassign from group', () => t.http.delete(`${base()}/groups/${foreignGroup}/applications/${foreignApp}`)],
        ['user applications', () => t.http.get(`${base()}/users/${foreignUser}/applications`)],
        [
          'assign to foreign user',
          () => t.http.post(`${base()}/users/${foreignUser}/applications`).send({ application_id: myApp }),
        ],
        [
          'assign foreign app to user',
          () => t.http.post(`${base()}/users/${myUser}/applications`).send({ application_id: foreignApp }),
        ],
        [
          'bulk to foreign user',
          () => t.http.post(`${base()}/users/${foreignUser}/applications/bulk`).send({ application_ids: [myApp] }),
        ],
        [
          'bulk foreign app',
          () => t.http.post(`${base()}/users/${myUser}/applications/bulk`).send({ application_ids: [foreignApp] }),
        ],
        ['unassign from user', () => t.http.delete(`${base()}/users/${foreignUser}/applications/${foreignApp}`)],
      ];
      for (const [label, call] of calls) {
        const response = await call().set(auth());
        expect([label, response.status]).toEqual([label, 404]);
        expect(response.body).toEqual({ detail: expect.any(String) });
      }
      expect(await rowCount('user_app_assignments')).toBe(0);
      expect(await rowCount('group_app_assignments')).toBe(0);
      expect(await rowCount('user_app_assignments', 'tenant_id = $1', [other.id])).toBe(1);
      expect(await rowCount('group_app_assignments', 'tenant_id = $1', [other.id])).toBe(1);
    });

    it("answers 403 for a token of another tenant on the tenant's paths", async () => {
      const other = await createTenant(t);
      const user = await createUser(t, tenant);
      const response = await t.http.get(`${base()}/users/${user}/applications`).set(bearer(other.token)).expect(403);
      expect(response.body).toEqual({ detail: expect.any(String) });
    });
  });

  describe('validation', () => {
    it('answers 422 in the reference shape for malformed ids and bodies, and writes nothing', async () => {
      const user = await createUser(t, tenant);
      const app = await createApplication(t, tenant);
      expectValidationError((await userApps('not-a-uuid').expect(422)).body, ['path', 'user_id'], 'uuid_parsing');
      expectValidationError(
        (await t.http.get(`/api/v1/tenants/xyz/users/${user}/applications`).set(auth()).expect(422)).body,
        ['path', 'tenant_id'],
        'uuid_parsing',
      );
      expectValidationError(
        (await t.http.delete(`${base()}/users/${user}/applications/1234`).set(auth()).expect(422)).body,
        ['path', 'application_id'],
        'uuid_parsing',
      );
      const post = (body: unknown) =>
        t.http
          .post(`${base()}/users/${user}/applications`)
          .set(auth())
          .send(body as object);
      expectValidationError((await post({}).expect(422)).body, ['body', 'application_id'], 'missing');
      expectValidationError((await post({ application_id: 42 }).expect(422)).body, ['body', 'application_id'], 'uuid_parsing');
      expectValidationError(
        (await post({ application_id: app, extra: true }).expect(422)).body,
        ['body', 'extra'],
        'extra_forbidden',
      );
      const malformed = await t.http
        .post(`${base()}/users/${user}/applications`)
        .set(auth())
        .set('Content-Type', 'application/json')
        .send('{"application_id": ')
        .expect(422);
      expectValidationError(malformed.body, ['body'], 'json_invalid');
      const missing = await t.http.post(`${base()}/groups/${randomUUID()}/applications`).set(auth()).expect(422);
      expectValidationError(missing.body, ['body'], 'missing');
      expect(await rowCount('user_app_assignments')).toBe(0);
    });
  });

  describe('scopes', () => {
    it('needs assignments:read for the reads and assignments:write for the writes', async () => {
      const user = await createUser(t, tenant);
      const group = await createGroup(t, tenant);
      const app = await createApplication(t, tenant);
      const readOnly = bearer(tokenFor(tenant.id, [Scope.AssignmentsRead]));
      const writeOnly = bearer(tokenFor(tenant.id, [Scope.AssignmentsWrite]));
      const unrelated = bearer(tokenFor(tenant.id, [Scope.UsersRead, Scope.UsersWrite, Scope.ApplicationsRead]));

      const reads = [
        `${base()}/applications/${app}/assignees`,
        `${base()}/applications/${app}/effective-users`,
        `${base()}/groups/${group}/applications`,
        `${base()}/users/${user}/applications`,
      ];
      for (const path of reads) {
        await t.http.get(path).set(readOnly).expect(200);
        await t.http.get(path).set(writeOnly).expect(403);
        await t.http.get(path).set(unrelated).expect(403);
      }

      const writes = [
        () => t.http.post(`${base()}/users/${user}/applications`).send({ application_id: app }),
        () => t.http.post(`${base()}/users/${user}/applications/bulk`).send({ application_ids: [app] }),
        () => t.http.post(`${base()}/groups/${group}/applications`).send({ application_id: app }),
        () => t.http.delete(`${base()}/users/${user}/applications/${app}`),
        () => t.http.delete(`${base()}/groups/${group}/applications/${app}`),
      ];
      for (const write of writes) {
        const denied = await write().set(readOnly).expect(403);
        expect(denied.body.detail).toContain('assignments:write');
      }
      expect(await rowCount('user_app_assignments')).toBe(0);
      await writes[0]().set(writeOnly).expect(201);
      await writes[2]().set(writeOnly).expect(201);
      await writes[3]().set(writeOnly).expect(204);
      await writes[4]().set(writeOnly).expect(204);
    });

    it('answers 401 without a token', async () => {
      const user = await createUser(t, tenant);
      const response = await t.http.get(`${base()}/users/${user}/applications`).expect(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });
  });
});
