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
  UUID,
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
import { bearer, platformAdminToken, startTestApp, TestApp, tokenFor } from './support/test-app';

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

  describe('create, read, update, delete', () => {
    it('creates a group and answers 201 with it in the envelope', async () => {
      const name = `Engineering ${randomUUID()}`;
      const response = await t.http
        .post(groups(tenant.id))
        .set(bearer(tenant.token))
        .send({ name, description: 'Everyone who ships code' })
        .expect(201);
      expectOne(response, {
        id: expect.stringMatching(UUID),
        tenant_id: tenant.id,
        name,
        description: 'Everyone who ships code',
        created_at: expect.stringMatching(ISO_UTC),
        updated_at: expect.stringMatching(ISO_UTC),
      });
      const read = await t.http
        .get(`${groups(tenant.id)}/${response.body.data.id}`)
        .set(bearer(tenant.token))
        .expect(200);
      expectOne(read, response.body.data);
    });

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

    it('updates only the fields sent, and clears the description with null', async () => {
      const name = `before-${randomUUID()}`;
      const created = await t.http
        .post(groups(tenant.id))
        .set(bearer(tenant.token))
        .send({ name, description: 'old' })
        .expect(201);
      const id = created.body.data.id;

      await pause();
      const described = await t.http
        .patch(`${groups(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send({ description: 'new' })
        .expect(200);
      expectOne(described, { ...created.body.data, description: 'new', updated_at: expect.stringMatching(ISO_UTC) });
      expectTouched(described.body.data, created.body.data);

      const renamed = `after-${randomUUID()}`;
      const response = await t.http
        .patch(`${groups(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send({ name: renamed })
        .expect(200);
      expect(response.body.data).toMatchObject({ id, name: renamed, description: 'new' });

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

    it('keeps its own name on an update that repeats it', async () => {
      const name = `same-${randomUUID()}`;
      const id = await createGroup(t, tenant, name);
      const response = await t.http
        .patch(`${groups(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send({ name })
        .expect(200);
      expect(response.body.data.name).toBe(name);
    });

    it('deletes a group with 204 and no body, after which it is gone', async () => {
      const id = await createGroup(t, tenant);
      const response = await t.http
        .delete(`${groups(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .expect(204);
      expect(response.text).toBe('');
      expectDetail(
        await t.http
          .get(`${groups(tenant.id)}/${id}`)
          .set(bearer(tenant.token))
          .expect(404),
      );
      expectDetail(
        await t.http
          .delete(`${groups(tenant.id)}/${id}`)
          .set(bearer(tenant.token))
          .expect(404),
      );
    });

    it('lets a platform admin act in the tenant', async () => {
      const id = await createGroup(t, tenant);
      await t.http
        .get(`${groups(tenant.id)}/${id}`)
        .set(bearer(platformAdminToken()))
        .expect(200);
    });
  });

  describe('listing', () => {
    let listed: TenantFixture;
    beforeAll(async () => {
      listed = await createTenant(t, 'Listed');
      for (const name of ['delta', 'alpha', 'charlie', 'bravo', 'echo']) await createGroup(t, listed, name);
    });

    it('orders by name with the paginated envelope', async () => {
      const response = await t.http.get(groups(listed.id)).set(bearer(listed.token)).expect(200);
      expectPage(response, { page: 1, per_page: 20, total_items: 5, total_pages: 1 });
      expect(response.body.data.map((group: { name: string }) => group.name)).toEqual([
        'alpha',
        'bravo',
        'charlie',
        'delta',
        'echo',
      ]);
      for (const group of response.body.data) {
        expect(Object.keys(group).sort()).toEqual(['created_at', 'description', 'id', 'name', 'tenant_id', 'updated_at']);
      }
    });

    it('pages through the list, and answers 200 with empty data past the end', async () => {
      const first = await t.http.get(groups(listed.id)).query({ per_page: 2 }).set(bearer(listed.token)).expect(200);
      expectPage(first, { page: 1, per_page: 2, total_items: 5, total_pages: 3 });
      expect(first.body.data.map((group: { name: string }) => group.name)).toEqual(['alpha', 'bravo']);
      const last = await t.http.get(groups(listed.id)).query({ per_page: 2, page: 3 }).set(bearer(listed.token)).expect(200);
      expect(last.body.data.map((group: { name: string }) => group.name)).toEqual(['echo']);
      const past = await t.http.get(groups(listed.id)).query({ per_page: 2, page: 4 }).set(bearer(listed.token)).expect(200);
      expectPage(past, { page: 4, per_page: 2, total_items: 5, total_pages: 3 }, []);
      const hundred = await t.http.get(groups(listed.id)).query({ per_page: 100 }).set(bearer(listed.token)).expect(200);
      expectPage(hundred, { page: 1, per_page: 100, total_items: 5, total_pages: 1 });
    });

    it.each([
      ['per_page', '101'],
      ['per_page', '0'],
      ['page', '0'],
      ['page', 'x'],
    ])('answers 422 naming %s=%s', async (name, value) => {
      const response = await t.http
        .get(groups(listed.id))
        .query({ [name]: value })
        .set(bearer(listed.token))
        .expect(422);
      expectValidationError(response.body, ['query', name]);
    });

    it('filters with q on the name, case-insensitively, with % and _ literal', async () => {
      const wild = await createTenant(t, 'Wildcards');
      for (const name of ['Sales EU', 'sales-us', 'Marketing', '100% club', '1000 club', 'on_call', 'onXcall'])
        await createGroup(t, wild, name);

      const sales = await t.http.get(groups(wild.id)).query({ q: 'SALES' }).set(bearer(wild.token)).expect(200);
      expectPage(sales, { page: 1, per_page: 20, total_items: 2, total_pages: 1 });
      expect(sales.body.data.map((group: { name: string }) => group.name)).toEqual(['Sales EU', 'sales-us']);

      const percent = await t.http.get(groups(wild.id)).query({ q: '0%' }).set(bearer(wild.token)).expect(200);
      expect(percent.body.data.map((group: { name: string }) => group.name)).toEqual(['100% club']);

      const underscore = await t.http.get(groups(wild.id)).query({ q: 'n_c' }).set(bearer(wild.token)).expect(200);
      expect(underscore.body.data.map((group: { name: string }) => group.name)).toEqual(['on_call']);

      const none = await t.http.get(groups(wild.id)).query({ q: 'nothing like it' }).set(bearer(wild.token)).expect(200);
      expectPage(none, { page: 1, per_page: 20, total_items: 0, total_pages: 0 }, []);
    });

    it('never lists groups of another tenant', async () => {
      const mine = await createTenant(t);
      const theirs = await createTenant(t);
      const myGroup = await createGroup(t, mine, 'Shared name');
      await createGroup(t, theirs, 'Shared name');
      const response = await t.http.get(groups(mine.id)).set(bearer(mine.token)).expect(200);
      expect(ids(response)).toEqual([myGroup]);
    });
  });

  describe('duplicates', () => {
    it('refuses a name already used in the tenant, and writes nothing', async () => {
      const name = `dup-${randomUUID()}`;
      await createGroup(t, tenant, name);
      const before = await snapshot(t, 'groups', tenant.id);
      expectDetail(await t.http.post(groups(tenant.id)).set(bearer(tenant.token)).send({ name }).expect(409));
      expect(await snapshot(t, 'groups', tenant.id)).toEqual(before);
    });

    it('refuses renaming onto another group, and changes nothing', async () => {
      const taken = `taken-${randomUUID()}`;
      await createGroup(t, tenant, taken);
      const id = await createGroup(t, tenant);
      const before = (await t.http.get(`${groups(tenant.id)}/${id}`).set(bearer(tenant.token))).body.data;
      expectDetail(
        await t.http
          .patch(`${groups(tenant.id)}/${id}`)
          .set(bearer(tenant.token))
          .send({ name: taken, description: 'nope' })
          .expect(409),
      );
      expect((await t.http.get(`${groups(tenant.id)}/${id}`).set(bearer(tenant.token))).body.data).toEqual(before);
    });

    it('lets exactly one of several concurrent creates with the same name succeed', async () => {
      const name = `race-${randomUUID()}`;
      const responses = await Promise.all(
        [1, 2, 3, 4].map(() => t.http.post(groups(tenant.id)).set(bearer(tenant.token)).send({ name })),
      );
      expect(responses.map((response) => response.status).sort()).toEqual([201, 409, 409, 409]);
      expect(await countRows(t, 'groups', 'tenant_id = $1 AND name = $2', [tenant.id, name])).toBe(1);
    });

    it('allows the same name in another tenant', async () => {
      const name = `across-${randomUUID()}`;
      await createGroup(t, tenant, name);
      const response = await t.http.post(groups(other.id)).set(bearer(other.token)).send({ name }).expect(201);
      expect(response.body.data).toMatchObject({ name, tenant_id: other.id });
    });
  });

  describe('validation', () => {
    it.each<[string, Record<string, unknown>, Array<string | number>, string]>([
      ['a missing name', { description: 'x' }, ['body', 'name'], 'missing'],
      ['a name of the wrong type', { name: 7 }, ['body', 'name'], 'string_type'],
      ['an empty name', { name: '' }, ['body', 'name'], 'string_too_short'],
      ['a name too long', { name: 'x'.repeat(201) }, ['body', 'name'], 'string_too_long'],
      ['a description of the wrong type', { name: 'x', description: { text: 'x' } }, ['body', 'description'], 'string_type'],
      ['a description too long', { name: 'x', description: 'x'.repeat(1001) }, ['body', 'description'], 'string_too_long'],
      ['an extra field', { name: 'x', members: [] }, ['body', 'members'], 'extra_forbidden'],
      ['a null name', { name: null }, ['body', 'name'], 'none_forbidden'],
    ])('answers 422 on create for %s, and writes nothing', async (_, body, loc, type) => {
      const before = await countRows(t, 'groups', 'tenant_id = $1', [tenant.id]);
      const response = await t.http.post(groups(tenant.id)).set(bearer(tenant.token)).send(body).expect(422);
      expectValidationError(response.body, loc, type);
      expect(await countRows(t, 'groups', 'tenant_id = $1', [tenant.id])).toBe(before);
    });

    it.each<[string, Record<string, unknown>, Array<string | number>, string]>([
      ['a null name', { name: null }, ['body', 'name'], 'none_forbidden'],
      ['an empty name', { name: '' }, ['body', 'name'], 'string_too_short'],
      ['a name of the wrong type', { name: false }, ['body', 'name'], 'string_type'],
      ['an extra field', { id: randomUUID() }, ['body', 'id'], 'extra_forbidden'],
    ])('answers 422 on update for %s, and changes nothing', async (_, body, loc, type) => {
      const id = await createGroup(t, tenant);
      const before = (await t.http.get(`${groups(tenant.id)}/${id}`).set(bearer(tenant.token))).body.data;
      const response = await t.http
        .patch(`${groups(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send(body)
        .expect(422);
      expectValidationError(response.body, loc, type);
      expect((await t.http.get(`${groups(tenant.id)}/${id}`).set(bearer(tenant.token))).body.data).toEqual(before);
    });

    it('answers 422 json_invalid for malformed JSON', async () => {
      const id = await createGroup(t, tenant);
      for (const request of [
        t.http.post(groups(tenant.id)),
        t.http.patch(`${groups(tenant.id)}/${id}`),
        t.http.post(members(tenant.id, id)),
      ]) {
        const response = await request
          .set(bearer(tenant.token))
          .set('Content-Type', 'application/json')
          .send('{name: unquoted}')
          .expect(422);
        expectValidationError(response.body, ['body'], 'json_invalid');
      }
    });

    it('answers 422 naming group_id for a malformed id in the path', async () => {
      const base = groups(tenant.id);
      for (const request of [
        t.http.get(`${base}/nope`),
        t.http.patch(`${base}/nope`).send({ name: 'x' }),
        t.http.delete(`${base}/nope`),
        t.http.get(`${base}/nope/members`),
        t.http.post(`${base}/nope/members`).send({ user_id: UNKNOWN_ID }),
        t.http.delete(`${base}/nope/members/${UNKNOWN_ID}`),
      ]) {
        const response = await request.set(bearer(tenant.token)).expect(422);
        expectValidationError(response.body, ['path', 'group_id'], 'uuid_parsing');
      }
    });
  });

  describe('authentication and authorization', () => {
    let id: string;
    let userId: string;

    beforeAll(async () => {
      id = await createGroup(t, tenant);
      userId = await createUser(t, tenant);
    });

    const requests = () => [
      { name: 'list', write: false, run: () => t.http.get(groups(tenant.id)) },
      { name: 'create', write: true, run: () => t.http.post(groups(tenant.id)).send({ name: `x-${randomUUID()}` }) },
      { name: 'get', write: false, run: () => t.http.get(`${groups(tenant.id)}/${id}`) },
      { name: 'update', write: true, run: () => t.http.patch(`${groups(tenant.id)}/${id}`).send({ name: `y-${randomUUID()}` }) },
      { name: 'delete', write: true, run: () => t.http.delete(`${groups(tenant.id)}/${id}`) },
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

  describe('tenant isolation', () => {
    it('answers 404 for the id of a group in another tenant, and leaves it untouched', async () => {
      const foreign = await createGroup(t, other, `foreign-${randomUUID()}`);
      const foreignUser = await createUser(t, other);
      await addMember(t, other, foreign, foreignUser);
      const groupsBefore = await snapshot(t, 'groups', other.id);
      const membersBefore = await snapshot(t, 'group_memberships', other.id);
      const myUser = await createUser(t, tenant);

      const path = `${groups(tenant.id)}/${foreign}`;
      expectDetail(await t.http.get(path).set(bearer(tenant.token)).expect(404));
      expectDetail(await t.http.patch(path).set(bearer(tenant.token)).send({ name: 'hijacked' }).expect(404));
      expectDetail(await t.http.get(`${path}/members`).set(bearer(tenant.token)).expect(404));
      expectDetail(await t.http.post(`${path}/members`).set(bearer(tenant.token)).send({ user_id: myUser }).expect(404));
      expectDetail(await t.http.post(`${path}/members`).set(bearer(tenant.token)).send({ user_id: foreignUser }).expect(404));
      expectDetail(await t.http.delete(`${path}/members/${foreignUser}`).set(bearer(tenant.token)).expect(404));
      expectDetail(await t.http.delete(path).set(bearer(tenant.token)).expect(404));

      expect(await snapshot(t, 'groups', other.id)).toEqual(groupsBefore);
      expect(await snapshot(t, 'group_memberships', other.id)).toEqual(membersBefore);
      expect(await countRows(t, 'group_memberships', 'group_id = $1 OR user_id = $2', [foreign, myUser])).toBe(1);
    });

    it('answers 404 for an id that exists nowhere', async () => {
      const path = `${groups(tenant.id)}/${UNKNOWN_ID}`;
      expectDetail(await t.http.get(path).set(bearer(tenant.token)).expect(404));
      expectDetail(await t.http.patch(path).set(bearer(tenant.token)).send({ name: 'x' }).expect(404));
      expectDetail(await t.http.delete(path).set(bearer(tenant.token)).expect(404));
      expectDetail(await t.http.get(`${path}/members`).set(bearer(tenant.token)).expect(404));
    });

    it('answers 404 for a tenant that does not exist', async () => {
      const ghost = randomUUID();
      expectDetail(
        await t.http
          .get(groups(ghost))
          .set(bearer(tokenFor(ghost)))
          .expect(404),
      );
      expectDetail(
        await t.http
          .post(groups(ghost))
          .set(bearer(tokenFor(ghost)))
          .send({ name: 'x' })
          .expect(404),
      );
      expect(await countRows(t, 'groups', 'tenant_id = $1', [ghost])).toBe(0);
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

      const tooMany = await t.http.get(members(owner.id, groupId)).query({ per_page: 101 }).set(bearer(owner.token)).expect(422);
      expectValidationError(tooMany.body, ['query', 'per_page']);
      const pageZero = await t.http.get(members(owner.id, groupId)).query({ page: 0 }).set(bearer(owner.token)).expect(422);
      expectValidationError(pageZero.body, ['query', 'page']);
      const huge = await t.http
        .get(members(owner.id, groupId))
        .query({ page: '1' + '0'.repeat(25) })
        .set(bearer(owner.token))
        .expect(422);
      expectValidationError(huge.body, ['query', 'page'], 'less_than_equal');
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

    it.each<[string, unknown, Array<string | number>, string]>([
      ['a missing user_id', {}, ['body', 'user_id'], 'missing'],
      ['a malformed user_id', { user_id: 'not-a-uuid' }, ['body', 'user_id'], 'uuid_parsing'],
      ['a user_id of the wrong type', { user_id: 12 }, ['body', 'user_id'], 'uuid_parsing'],
      ['a null user_id', { user_id: null }, ['body', 'user_id'], 'none_forbidden'],
      ['an extra field', { user_id: UNKNOWN_ID, role: 'owner' }, ['body', 'role'], 'extra_forbidden'],
    ])('answers 422 on add for %s', async (_, body, loc, type) => {
      const groupId = await createGroup(t, tenant);
      const response = await t.http
        .post(members(tenant.id, groupId))
        .set(bearer(tenant.token))
        .send(body as object)
        .expect(422);
      expectValidationError(response.body, loc, type);
      expect(await countRows(t, 'group_memberships', 'group_id = $1', [groupId])).toBe(0);
    });

    it('answers 422 for a missing body on add', async () => {
      const groupId = await createGroup(t, tenant);
      const response = await t.http.post(members(tenant.id, groupId)).set(bearer(tenant.token)).expect(422);
      expectValidationError(response.body, ['body']);
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

    it('answers 422 naming user_id for a malformed user id in the path', async () => {
      const groupId = await createGroup(t, tenant);
      const response = await t.http
        .delete(`${members(tenant.id, groupId)}/bob`)
        .set(bearer(tenant.token))
        .expect(422);
      expectValidationError(response.body, ['path', 'user_id'], 'uuid_parsing');
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
