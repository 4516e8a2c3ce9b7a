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

describe('Users', () => {
  let t: TestApp;
  let tenant: TenantFixture;
  let other: TenantFixture;

  const users = (tenantId: string) => `/api/v1/tenants/${tenantId}/users`;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenant(t, 'Users Tenant');
    other = await createTenant(t, 'Other Tenant');
  });

  afterAll(async () => {
    await t.close();
  });

  describe('create, read, update, delete', () => {
    it('creates a user and answers 201 with the user in the envelope', async () => {
      const email = `Ada.${randomUUID()}@Example.com`;
      const response = await t.http
        .post(users(tenant.id))
        .set(bearer(tenant.token))
        .send({ email, display_name: 'Ada Lovelace' })
        .expect(201);
      expectOne(response, {
        id: expect.stringMatching(UUID),
        tenant_id: tenant.id,
        email,
        display_name: 'Ada Lovelace',
        status: 'active',
        created_at: expect.stringMatching(ISO_UTC),
        updated_at: expect.stringMatching(ISO_UTC),
      });

      const read = await t.http
        .get(`${users(tenant.id)}/${response.body.data.id}`)
        .set(bearer(tenant.token))
        .expect(200);
      expectOne(read, response.body.data);
    });

    it('accepts an explicit status', async () => {
      const response = await t.http
        .post(users(tenant.id))
        .set(bearer(tenant.token))
        .send({ email: `${randomUUID()}@example.com`, display_name: 'Suspended', status: 'suspended' })
        .expect(201);
      expect(response.body.data.status).toBe('suspended');
    });

    it('updates only the fields sent', async () => {
      const id = await createUser(t, tenant, `${randomUUID()}@example.com`, 'Before');
      const before = (
        await t.http
          .get(`${users(tenant.id)}/${id}`)
          .set(bearer(tenant.token))
          .expect(200)
      ).body.data;

      await pause();
      const renamed = await t.http
        .patch(`${users(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send({ display_name: 'After' })
        .expect(200);
      expectOne(renamed, { ...before, display_name: 'After', updated_at: expect.stringMatching(ISO_UTC) });
      expectTouched(renamed.body.data, before);

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

      const read = await t.http
        .get(`${users(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .expect(200);
      expect(read.body.data).toEqual(both.body.data);
    });

    it('treats an empty PATCH as a no-op', async () => {
      const id = await createUser(t, tenant);
      const before = (
        await t.http
          .get(`${users(tenant.id)}/${id}`)
          .set(bearer(tenant.token))
          .expect(200)
      ).body.data;
      const response = await t.http
        .patch(`${users(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send({})
        .expect(200);
      expect(response.body.data).toMatchObject({
        id,
        email: before.email,
        display_name: before.display_name,
        status: before.status,
      });
    });

    it('deletes a user with 204 and no body, after which it is gone', async () => {
      const id = await createUser(t, tenant);
      const response = await t.http
        .delete(`${users(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .expect(204);
      expect(response.text).toBe('');
      expect(response.headers['content-type']).toBeUndefined();
      expectDetail(
        await t.http
          .get(`${users(tenant.id)}/${id}`)
          .set(bearer(tenant.token))
          .expect(404),
      );
      expectDetail(
        await t.http
          .delete(`${users(tenant.id)}/${id}`)
          .set(bearer(tenant.token))
          .expect(404),
      );
      expect(await countRows(t, 'users', 'tenant_id = $1 AND id = $2', [tenant.id, id])).toBe(0);
    });

    it('lets a platform admin act in the tenant', async () => {
      const response = await t.http
        .post(users(tenant.id))
        .set(bearer(platformAdminToken()))
        .send({ email: `${randomUUID()}@example.com`, display_name: 'By Admin' })
        .expect(201);
      expect(response.body.data.tenant_id).toBe(tenant.id);
      await t.http
        .get(`${users(tenant.id)}/${response.body.data.id}`)
        .set(bearer(platformAdminToken()))
        .expect(200);
    });
  });

  describe('listing', () => {
    let listed: TenantFixture;
    const emails = ['carol@example.com', 'alice@example.com', 'erin@example.com', 'bob@example.com', 'dave@example.com'];

    beforeAll(async () => {
      listed = await createTenant(t, 'Listed');
      for (const email of emails) await createUser(t, listed, email, `Name of ${email.split('@')[0]}`);
    });

    it('orders by email with the paginated envelope and default paging', async () => {
      const response = await t.http.get(users(listed.id)).set(bearer(listed.token)).expect(200);
      expectPage(response, { page: 1, per_page: 20, total_items: 5, total_pages: 1 });
      expect(response.body.data.map((user: { email: string }) => user.email)).toEqual([...emails].sort());
      for (const user of response.body.data) {
        expect(Object.keys(user).sort()).toEqual([
          'created_at',
          'display_name',
          'email',
          'id',
          'status',
          'tenant_id',
          'updated_at',
        ]);
        expect(user.tenant_id).toBe(listed.id);
      }
    });

    it('pages through the list with total_pages = ceil(total_items / per_page)', async () => {
      const all = ids(await t.http.get(users(listed.id)).set(bearer(listed.token)).expect(200));
      const seen: string[] = [];
      for (const page of [1, 2, 3]) {
        const response = await t.http.get(users(listed.id)).query({ page, per_page: 2 }).set(bearer(listed.token)).expect(200);
        expectPage(response, { page, per_page: 2, total_items: 5, total_pages: 3 });
        expect(response.body.data).toHaveLength(page < 3 ? 2 : 1);
        seen.push(...ids(response));
      }
      expect(seen).toEqual(all);
    });

    it('answers 200 with empty data and correct totals past the last page', async () => {
      const response = await t.http.get(users(listed.id)).query({ page: 4, per_page: 2 }).set(bearer(listed.token)).expect(200);
      expectPage(response, { page: 4, per_page: 2, total_items: 5, total_pages: 3 }, []);
      const far = await t.http.get(users(listed.id)).query({ page: 1000 }).set(bearer(listed.token)).expect(200);
      expectPage(far, { page: 1000, per_page: 20, total_items: 5, total_pages: 1 }, []);
      const farthest = await t.http
        .get(users(listed.id))
        .query({ page: String(Number.MAX_SAFE_INTEGER), per_page: 100 })
        .set(bearer(listed.token))
        .expect(200);
      expectPage(farthest, { page: Number.MAX_SAFE_INTEGER, per_page: 100, total_items: 5, total_pages: 1 }, []);
    });

    it('accepts per_page=100 and per_page=1', async () => {
      const hundred = await t.http.get(users(listed.id)).query({ per_page: 100 }).set(bearer(listed.token)).expect(200);
      expectPage(hundred, { page: 1, per_page: 100, total_items: 5, total_pages: 1 });
      const one = await t.http.get(users(listed.id)).query({ per_page: 1, page: 5 }).set(bearer(listed.token)).expect(200);
      expectPage(one, { page: 5, per_page: 1, total_items: 5, total_pages: 5 });
      expect(one.body.data[0].email).toBe('erin@example.com');
    });

    it.each([
      ['per_page', '101', 'less_than_equal'],
      ['per_page', '0', 'greater_than_equal'],
      ['per_page', '-1', 'greater_than_equal'],
      ['per_page', 'ten', 'int_parsing'],
      ['per_page', '2.5', 'int_parsing'],
      ['page', '0', 'greater_than_equal'],
      ['page', '-3', 'greater_than_equal'],
      ['page', 'first', 'int_parsing'],
      ['page', '100000000000000000000000', 'less_than_equal'],
    ])('answers 422 naming %s=%s', async (name, value, type) => {
      const response = await t.http
        .get(users(listed.id))
        .query({ [name]: value })
        .set(bearer(listed.token))
        .expect(422);
      expectValidationError(response.body, ['query', name], type);
    });

    it('filters with q on email or display name, case-insensitively', async () => {
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

    it('matches % and _ in q literally', async () => {
      const wild = await createTenant(t, 'Wildcards');
      await createUser(t, wild, 'percent@example.com', '100% Real');
      await createUser(t, wild, 'digits@example.com', '1000 Real');
      await createUser(t, wild, 'snake@example.com', 'snake_case');
      await createUser(t, wild, 'camel@example.com', 'snakeXcase');
      await createUser(t, wild, 'slash@example.com', 'back\\slash');

      const percent = await t.http.get(users(wild.id)).query({ q: '100%' }).set(bearer(wild.token)).expect(200);
      expect(percent.body.data.map((user: { display_name: string }) => user.display_name)).toEqual(['100% Real']);

      const underscore = await t.http.get(users(wild.id)).query({ q: 'e_c' }).set(bearer(wild.token)).expect(200);
      expect(underscore.body.data.map((user: { display_name: string }) => user.display_name)).toEqual(['snake_case']);

      const onlyPercent = await t.http.get(users(wild.id)).query({ q: '%' }).set(bearer(wild.token)).expect(200);
      expect(onlyPercent.body.pagination.total_items).toBe(1);

      const backslash = await t.http.get(users(wild.id)).query({ q: 'k\\s' }).set(bearer(wild.token)).expect(200);
      expect(backslash.body.data.map((user: { display_name: string }) => user.display_name)).toEqual(['back\\slash']);
    });

    it('answers 422 for a q longer than 200 characters', async () => {
      const response = await t.http
        .get(users(listed.id))
        .query({ q: 'x'.repeat(201) })
        .set(bearer(listed.token))
        .expect(422);
      expectValidationError(response.body, ['query', 'q'], 'string_too_long');
    });

    it('never lists users of another tenant', async () => {
      const mine = await createTenant(t);
      const theirs = await createTenant(t);
      const myUser = await createUser(t, mine, 'shared@example.com');
      await createUser(t, theirs, 'shared@example.com');
      const response = await t.http.get(users(mine.id)).set(bearer(mine.token)).expect(200);
      expect(ids(response)).toEqual([myUser]);
      expect(response.body.pagination.total_items).toBe(1);
    });

    it('answers 404 for a tenant that does not exist', async () => {
      const ghost = randomUUID();
      expectDetail(
        await t.http
          .get(users(ghost))
          .set(bearer(tokenFor(ghost)))
          .expect(404),
      );
    });
  });

  describe('duplicates', () => {
    it('refuses an email already used in the tenant, whatever its case', async () => {
      const local = randomUUID();
      await createUser(t, tenant, `${local}@example.com`);
      const before = await snapshot(t, 'users', tenant.id);
      const response = await t.http
        .post(users(tenant.id))
        .set(bearer(tenant.token))
        .send({ email: `${local.toUpperCase()}@EXAMPLE.COM`, display_name: 'Twin' })
        .expect(409);
      expectDetail(response);
      expect(await snapshot(t, 'users', tenant.id)).toEqual(before);
    });

    it('lets exactly one of several concurrent creates with the same email succeed', async () => {
      const local = `race-${randomUUID()}`;
      const responses = await Promise.all(
        ['', 'X', 'UPPER', 'x', 'Mixed'].map((suffix, index) =>
          t.http
            .post(users(tenant.id))
            .set(bearer(tenant.token))
            .send({
              email: index % 2 ? `${local}@example.com` : `${local.toUpperCase()}@EXAMPLE.com`,
              display_name: `racer ${suffix}`,
            }),
        ),
      );
      expect(responses.map((response) => response.status).sort()).toEqual([201, 409, 409, 409, 409]);
      for (const response of responses.filter(({ status }) => status === 409)) expectDetail(response);
      expect(await countRows(t, 'users', 'tenant_id = $1 AND lower(email) = $2', [tenant.id, `${local}@example.com`])).toBe(1);
    });

    it('allows the same email in another tenant', async () => {
      const email = `${randomUUID()}@example.com`;
      await createUser(t, tenant, email);
      const response = await t.http
        .post(users(other.id))
        .set(bearer(other.token))
        .send({ email, display_name: 'Elsewhere' })
        .expect(201);
      expect(response.body.data).toMatchObject({ email, tenant_id: other.id });
    });

    it('refuses to change an email to one another user has, and changes nothing', async () => {
      const taken = `${randomUUID()}@example.com`;
      await createUser(t, tenant, taken);
      const id = await createUser(t, tenant);
      const before = (await t.http.get(`${users(tenant.id)}/${id}`).set(bearer(tenant.token))).body.data;
      const response = await t.http
        .patch(`${users(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send({ email: taken.toUpperCase(), display_name: 'Should not stick' })
        .expect(409);
      expectDetail(response);
      const after = (await t.http.get(`${users(tenant.id)}/${id}`).set(bearer(tenant.token))).body.data;
      expect(after).toEqual(before);
    });

    it('lets a user change the case of their own email', async () => {
      const email = `case-${randomUUID()}@example.com`;
      const id = await createUser(t, tenant, email);
      const response = await t.http
        .patch(`${users(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send({ email: email.toUpperCase() })
        .expect(200);
      expect(response.body.data.email).toBe(email.toUpperCase());
    });
  });

  describe('validation', () => {
    const valid = () => ({ email: `${randomUUID()}@example.com`, display_name: 'Valid' });

    it.each<[string, Record<string, unknown>, Array<string | number>, string]>([
      ['missing email', { display_name: 'x' }, ['body', 'email'], 'missing'],
      ['missing display_name', { email: 'x@example.com' }, ['body', 'display_name'], 'missing'],
      ['email of the wrong type', { email: 42, display_name: 'x' }, ['body', 'email'], 'string_type'],
      [
        'display_name of the wrong type',
        { email: 'x@example.com', display_name: ['x'] },
        ['body', 'display_name'],
        'string_type',
      ],
      ['an invalid email', { email: 'not-an-email', display_name: 'x' }, ['body', 'email'], 'value_error'],
      ['an empty display_name', { email: 'x@example.com', display_name: '' }, ['body', 'display_name'], 'string_too_short'],
      [
        'a display_name too long',
        { email: 'x@example.com', display_name: 'x'.repeat(201) },
        ['body', 'display_name'],
        'string_too_long',
      ],
      ['an unknown status', { email: 'x@example.com', display_name: 'x', status: 'deleted' }, ['body', 'status'], 'enum'],
      ['an extra field', { email: 'x@example.com', display_name: 'x', role: 'admin' }, ['body', 'role'], 'extra_forbidden'],
      ['a client-chosen id', { email: 'x@example.com', display_name: 'x', id: randomUUID() }, ['body', 'id'], 'extra_forbidden'],
      ['a null email', { email: null, display_name: 'x' }, ['body', 'email'], 'none_forbidden'],
    ])('answers 422 on create for %s, and writes nothing', async (_, body, loc, type) => {
      const before = await countRows(t, 'users', 'tenant_id = $1', [tenant.id]);
      const response = await t.http.post(users(tenant.id)).set(bearer(tenant.token)).send(body).expect(422);
      expectValidationError(response.body, loc, type);
      expect(await countRows(t, 'users', 'tenant_id = $1', [tenant.id])).toBe(before);
    });

    it('answers 422 json_invalid for malformed JSON', async () => {
      const response = await t.http
        .post(users(tenant.id))
        .set(bearer(tenant.token))
        .set('Content-Type', 'application/json')
        .send('{"email": "a@example.com", ')
        .expect(422);
      expectValidationError(response.body, ['body'], 'json_invalid');
    });

    it('answers 422 for a missing body and for a body that is not an object', async () => {
      expectValidationError((await t.http.post(users(tenant.id)).set(bearer(tenant.token)).expect(422)).body, ['body']);
      const list = await t.http.post(users(tenant.id)).set(bearer(tenant.token)).send([valid()]).expect(422);
      expectValidationError(list.body, ['body']);
    });

    it.each<[string, Record<string, unknown>, Array<string | number>, string]>([
      ['a null email', { email: null }, ['body', 'email'], 'none_forbidden'],
      ['a null display_name', { display_name: null }, ['body', 'display_name'], 'none_forbidden'],
      ['a null status', { status: null }, ['body', 'status'], 'none_forbidden'],
      ['an invalid email', { email: 'nope' }, ['body', 'email'], 'value_error'],
      ['an unknown status', { status: 'gone' }, ['body', 'status'], 'enum'],
      ['an extra field', { tenant_id: randomUUID() }, ['body', 'tenant_id'], 'extra_forbidden'],
    ])('answers 422 on update for %s, and changes nothing', async (_, body, loc, type) => {
      const id = await createUser(t, tenant);
      const before = (await t.http.get(`${users(tenant.id)}/${id}`).set(bearer(tenant.token))).body.data;
      const response = await t.http
        .patch(`${users(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send(body)
        .expect(422);
      expectValidationError(response.body, loc, type);
      expect((await t.http.get(`${users(tenant.id)}/${id}`).set(bearer(tenant.token))).body.data).toEqual(before);
    });

    it('answers 422 naming user_id for a malformed id in the path', async () => {
      const base = users(tenant.id);
      for (const request of [
        t.http.get(`${base}/not-a-uuid`),
        t.http.patch(`${base}/not-a-uuid`).send({ display_name: 'x' }),
        t.http.delete(`${base}/123`),
      ]) {
        const response = await request.set(bearer(tenant.token)).expect(422);
        expectValidationError(response.body, ['path', 'user_id'], 'uuid_parsing');
      }
    });

    it('answers 422 naming tenant_id for a malformed tenant id in the path', async () => {
      const response = await t.http.get(users('acme')).set(bearer(tenant.token)).expect(422);
      expectValidationError(response.body, ['path', 'tenant_id'], 'uuid_parsing');
    });
  });

  describe('authentication and authorization', () => {
    let id: string;

    beforeAll(async () => {
      id = await createUser(t, tenant);
    });

    const requests = () => [
      { name: 'list', run: () => t.http.get(users(tenant.id)) },
      {
        name: 'create',
        run: () => t.http.post(users(tenant.id)).send({ email: `${randomUUID()}@example.com`, display_name: 'x' }),
      },
      { name: 'get', run: () => t.http.get(`${users(tenant.id)}/${id}`) },
      { name: 'update', run: () => t.http.patch(`${users(tenant.id)}/${id}`).send({ display_name: 'Hijacked' }) },
      { name: 'delete', run: () => t.http.delete(`${users(tenant.id)}/${id}`) },
    ];

    it('answers 401 with a Bearer challenge without a token', async () => {
      for (const request of requests()) expectUnauthenticated(await request.run());
    });

    it('answers 401 for a token that does not verify', async () => {
      for (const request of requests()) {
        const response = await request.run().set('Authorization', 'Bearer not.a.jwt');
        expectUnauthenticated(response);
        expect(response.headers['www-authenticate']).toContain('invalid_token');
      }
    });

    it('answers 403 with a token for another tenant, and changes nothing', async () => {
      const before = await snapshot(t, 'users', tenant.id);
      for (const request of requests()) {
        const response = await request.run().set(bearer(other.token));
        expect(response.status).toBe(403);
        expectDetail(response);
      }
      expect(await snapshot(t, 'users', tenant.id)).toEqual(before);
    });

    it('answers 403 for writes with only users:read, and changes nothing', async () => {
      const readOnly = tokenFor(tenant.id, ['users:read']);
      const before = await snapshot(t, 'users', tenant.id);
      await t.http.get(users(tenant.id)).set(bearer(readOnly)).expect(200);
      await t.http
        .get(`${users(tenant.id)}/${id}`)
        .set(bearer(readOnly))
        .expect(200);
      for (const request of requests().filter(({ name }) => ['create', 'update', 'delete'].includes(name))) {
        const response = await request.run().set(bearer(readOnly));
        expect(response.status).toBe(403);
        expectDetail(response, /users:write/);
      }
      expect(await snapshot(t, 'users', tenant.id)).toEqual(before);
    });

    it('answers 403 for reads without users:read', async () => {
      const noUsers = tokenFor(tenant.id, ['groups:read', 'groups:write', 'users:write']);
      for (const request of requests().filter(({ name }) => ['list', 'get'].includes(name))) {
        const response = await request.run().set(bearer(noUsers));
        expect(response.status).toBe(403);
        expectDetail(response, /users:read/);
      }
    });
  });

  describe('tenant isolation', () => {
    it('answers 404 for the id of a user in another tenant, and leaves that user untouched', async () => {
      const foreign = await createUser(t, other, `${randomUUID()}@example.com`, 'Foreign');
      const before = await snapshot(t, 'users', other.id);
      const path = `${users(tenant.id)}/${foreign}`;
      expectDetail(await t.http.get(path).set(bearer(tenant.token)).expect(404));
      expectDetail(await t.http.patch(path).set(bearer(tenant.token)).send({ display_name: 'Hijacked' }).expect(404));
      expectDetail(await t.http.delete(path).set(bearer(tenant.token)).expect(404));
      expect(await snapshot(t, 'users', other.id)).toEqual(before);
      const read = await t.http
        .get(`${users(other.id)}/${foreign}`)
        .set(bearer(other.token))
        .expect(200);
      expect(read.body.data.display_name).toBe('Foreign');
    });

    it('answers 404 for an id that exists nowhere', async () => {
      const path = `${users(tenant.id)}/${UNKNOWN_ID}`;
      expectDetail(await t.http.get(path).set(bearer(tenant.token)).expect(404));
      expectDetail(await t.http.patch(path).set(bearer(tenant.token)).send({ display_name: 'x' }).expect(404));
      expectDetail(await t.http.delete(path).set(bearer(tenant.token)).expect(404));
    });

    it('answers 404 when creating a user in a tenant that does not exist', async () => {
      const ghost = randomUUID();
      const response = await t.http
        .post(users(ghost))
        .set(bearer(tokenFor(ghost)))
        .send({ email: `${randomUUID()}@example.com`, display_name: 'Ghost' })
        .expect(404);
      expectDetail(response);
      expect(await countRows(t, 'users', 'tenant_id = $1', [ghost])).toBe(0);
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
