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
  createApplication,
  createGroup,
  createTenant,
  createUser,
  expectValidationError,
  TenantFixture,
} from './support/fixtures';
import { bearer, platformAdminToken, startTestApp, TestApp, tokenFor } from './support/test-app';

/** `app_` and 32 URL-safe base64 characters (192 random bits). */
const CLIENT_ID = /^app_[A-Za-z0-9_-]{32}$/;

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

  describe('create, read, update, delete', () => {
    it('creates an application with a generated client_id and answers 201 with it in the envelope', async () => {
      const response = await t.http
        .post(applications(tenant.id))
        .set(bearer(tenant.token))
        .send({ name: 'Payroll', description: 'Monthly payslips' })
        .expect(201);
      expectOne(response, {
        id: expect.stringMatching(UUID),
        tenant_id: tenant.id,
        name: 'Payroll',
        description: 'Monthly payslips',
        client_id: expect.stringMatching(CLIENT_ID),
        status: 'active',
        created_at: expect.stringMatching(ISO_UTC),
        updated_at: expect.stringMatching(ISO_UTC),
      });
      const read = await t.http
        .get(`${applications(tenant.id)}/${response.body.data.id}`)
        .set(bearer(tenant.token))
        .expect(200);
      expectOne(read, response.body.data);
    });

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

    it('updates only the fields sent and never changes the client_id', async () => {
      const created = await t.http
        .post(applications(tenant.id))
        .set(bearer(tenant.token))
        .send({ name: 'Before', description: 'd' })
        .expect(201);
      const id = created.body.data.id;

      await pause();
      const renamed = await t.http
        .patch(`${applications(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send({ name: 'After' })
        .expect(200);
      expectOne(renamed, { ...created.body.data, name: 'After', updated_at: expect.stringMatching(ISO_UTC) });
      expectTouched(renamed.body.data, created.body.data);

      const response = await t.http
        .patch(`${applications(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send({ status: 'inactive', description: null })
        .expect(200);
      expect(response.body.data).toMatchObject({
        id,
        name: 'After',
        description: null,
        status: 'inactive',
        client_id: created.body.data.client_id,
      });

      const read = await t.http
        .get(`${applications(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .expect(200);
      expect(read.body.data).toEqual(response.body.data);
    });

    it('deletes an application with 204 and no body, after which it is gone', async () => {
      const id = await createApplication(t, tenant);
      const response = await t.http
        .delete(`${applications(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .expect(204);
      expect(response.text).toBe('');
      expectDetail(
        await t.http
          .get(`${applications(tenant.id)}/${id}`)
          .set(bearer(tenant.token))
          .expect(404),
      );
      expectDetail(
        await t.http
          .delete(`${applications(tenant.id)}/${id}`)
          .set(bearer(tenant.token))
          .expect(404),
      );
    });

    it('lets a platform admin act in the tenant', async () => {
      const response = await t.http
        .post(applications(tenant.id))
        .set(bearer(platformAdminToken()))
        .send({ name: 'By admin' })
        .expect(201);
      expect(response.body.data.tenant_id).toBe(tenant.id);
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

  describe('listing', () => {
    let listed: TenantFixture;
    let sameNameIds: string[];

    beforeAll(async () => {
      listed = await createTenant(t, 'Listed');
      for (const name of ['Wiki', 'CRM', 'Payroll']) await createApplication(t, listed, name);
      sameNameIds = [];
      for (let index = 0; index < 3; index += 1) sameNameIds.push(await createApplication(t, listed, 'Mail'));
      sameNameIds.sort();
    });

    it('orders by name, then id, with the paginated envelope', async () => {
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
      for (const app of response.body.data) {
        expect(Object.keys(app).sort()).toEqual([
          'client_id',
          'created_at',
          'description',
          'id',
          'name',
          'status',
          'tenant_id',
          'updated_at',
        ]);
      }
    });

    it('pages through equal names without skipping or repeating any', async () => {
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
      const hundred = await t.http.get(applications(listed.id)).query({ per_page: 100 }).set(bearer(listed.token)).expect(200);
      expectPage(hundred, { page: 1, per_page: 100, total_items: 6, total_pages: 1 });
    });

    it.each([
      ['per_page', '101'],
      ['per_page', '0'],
      ['page', '0'],
      ['page', '1e3x'],
    ])('answers 422 naming %s=%s', async (name, value) => {
      const response = await t.http
        .get(applications(listed.id))
        .query({ [name]: value })
        .set(bearer(listed.token))
        .expect(422);
      expectValidationError(response.body, ['query', name]);
    });

    it('filters with q on the name, case-insensitively, with % and _ literal', async () => {
      const wild = await createTenant(t, 'Wildcards');
      for (const name of ['Payroll', 'PAYMENTS', 'Wiki', '50% off', '500 off', 'my_app', 'myXapp'])
        await createApplication(t, wild, name);
      const pay = await t.http.get(applications(wild.id)).query({ q: 'pay' }).set(bearer(wild.token)).expect(200);
      expectPage(pay, { page: 1, per_page: 20, total_items: 2, total_pages: 1 });
      expect(pay.body.data.map((app: { name: string }) => app.name)).toEqual(['PAYMENTS', 'Payroll']);
      const percent = await t.http.get(applications(wild.id)).query({ q: '0%' }).set(bearer(wild.token)).expect(200);
      expect(percent.body.data.map((app: { name: string }) => app.name)).toEqual(['50% off']);
      const underscore = await t.http.get(applications(wild.id)).query({ q: 'y_a' }).set(bearer(wild.token)).expect(200);
      expect(underscore.body.data.map((app: { name: string }) => app.name)).toEqual(['my_app']);
    });

    it('never lists applications of another tenant', async () => {
      const mine = await createTenant(t);
      const theirs = await createTenant(t);
      const myApp = await createApplication(t, mine, 'Shared');
      await createApplication(t, theirs, 'Shared');
      const response = await t.http.get(applications(mine.id)).set(bearer(mine.token)).expect(200);
      expect(ids(response)).toEqual([myApp]);
    });
  });

  describe('validation', () => {
    it.each<[string, Record<string, unknown>, Array<string | number>, string]>([
      ['a missing name', {}, ['body', 'name'], 'missing'],
      ['a name of the wrong type', { name: 1 }, ['body', 'name'], 'string_type'],
      ['an empty name', { name: '' }, ['body', 'name'], 'string_too_short'],
      ['a name too long', { name: 'n'.repeat(201) }, ['body', 'name'], 'string_too_long'],
      ['a description too long', { name: 'x', description: 'd'.repeat(1001) }, ['body', 'description'], 'string_too_long'],
      ['an unknown status', { name: 'x', status: 'enabled' }, ['body', 'status'], 'enum'],
      ['a null status', { name: 'x', status: null }, ['body', 'status'], 'none_forbidden'],
      ['an extra field', { name: 'x', secret: 's' }, ['body', 'secret'], 'extra_forbidden'],
    ])('answers 422 on create for %s, and writes nothing', async (_, body, loc, type) => {
      const before = await countRows(t, 'applications', 'tenant_id = $1', [tenant.id]);
      const response = await t.http.post(applications(tenant.id)).set(bearer(tenant.token)).send(body).expect(422);
      expectValidationError(response.body, loc, type);
      expect(await countRows(t, 'applications', 'tenant_id = $1', [tenant.id])).toBe(before);
    });

    it.each<[string, Record<string, unknown>, Array<string | number>, string]>([
      ['a null name', { name: null }, ['body', 'name'], 'none_forbidden'],
      ['a null status', { status: null }, ['body', 'status'], 'none_forbidden'],
      ['an unknown status', { status: 'deleted' }, ['body', 'status'], 'enum'],
      ['a description of the wrong type', { description: 3 }, ['body', 'description'], 'string_type'],
    ])('answers 422 on update for %s, and changes nothing', async (_, body, loc, type) => {
      const id = await createApplication(t, tenant);
      const before = (await t.http.get(`${applications(tenant.id)}/${id}`).set(bearer(tenant.token))).body.data;
      const response = await t.http
        .patch(`${applications(tenant.id)}/${id}`)
        .set(bearer(tenant.token))
        .send(body)
        .expect(422);
      expectValidationError(response.body, loc, type);
      expect((await t.http.get(`${applications(tenant.id)}/${id}`).set(bearer(tenant.token))).body.data).toEqual(before);
    });

    it('answers 422 json_invalid for malformed JSON', async () => {
      const response = await t.http
        .post(applications(tenant.id))
        .set(bearer(tenant.token))
        .set('Content-Type', 'application/json')
        .send('{"name": "Payroll"')
        .expect(422);
      expectValidationError(response.body, ['body'], 'json_invalid');
    });

    it('answers 422 naming application_id for a malformed id in the path', async () => {
      const base = applications(tenant.id);
      for (const request of [
        t.http.get(`${base}/payroll`),
        t.http.patch(`${base}/payroll`).send({ name: 'x' }),
        t.http.delete(`${base}/00000000-0000-0000-0000-00000000000g`),
      ]) {
        const response = await request.set(bearer(tenant.token)).expect(422);
        expectValidationError(response.body, ['path', 'application_id'], 'uuid_parsing');
      }
    });
  });

  describe('authentication and authorization', () => {
    let id: string;

    beforeAll(async () => {
      id = await createApplication(t, tenant);
    });

    const requests = () => [
      { name: 'list', write: false, run: () => t.http.get(applications(tenant.id)) },
      { name: 'create', write: true, run: () => t.http.post(applications(tenant.id)).send({ name: 'x' }) },
      { name: 'get', write: false, run: () => t.http.get(`${applications(tenant.id)}/${id}`) },
      { name: 'update', write: true, run: () => t.http.patch(`${applications(tenant.id)}/${id}`).send({ name: 'Hijacked' }) },
      { name: 'delete', write: true, run: () => t.http.delete(`${applications(tenant.id)}/${id}`) },
    ];

    it('answers 401 with a Bearer challenge without a token', async () => {
      for (const request of requests()) expectUnauthenticated(await request.run());
    });

    it('answers 403 with a token for another tenant, and changes nothing', async () => {
      const before = await snapshot(t, 'applications', tenant.id);
      for (const request of requests()) {
        const response = await request.run().set(bearer(other.token));
        expect({ name: request.name, status: response.status }).toEqual({ name: request.name, status: 403 });
        expectDetail(response);
      }
      expect(await snapshot(t, 'applications', tenant.id)).toEqual(before);
    });

    it('answers 403 for writes with only applications:read, and changes nothing', async () => {
      const readOnly = tokenFor(tenant.id, ['applications:read', 'assignments:write']);
      const before = await snapshot(t, 'applications', tenant.id);
      for (const request of requests()) {
        const response = await request.run().set(bearer(readOnly));
        expect({ name: request.name, status: response.status }).toEqual({
          name: request.name,
          status: request.write ? 403 : 200,
        });
        if (request.write) expectDetail(response, /applications:write/);
      }
      expect(await snapshot(t, 'applications', tenant.id)).toEqual(before);
    });

    it('answers 403 for reads without applications:read', async () => {
      const writeOnly = tokenFor(tenant.id, ['applications:write']);
      for (const request of requests().filter(({ write }) => !write)) {
        const response = await request.run().set(bearer(writeOnly));
        expect(response.status).toBe(403);
        expectDetail(response, /applications:read/);
      }
    });
  });

  describe('tenant isolation', () => {
    it('answers 404 for the id of an application in another tenant, and leaves it untouched', async () => {
      const foreign = await createApplication(t, other, 'Foreign');
      const before = await snapshot(t, 'applications', other.id);
      const path = `${applications(tenant.id)}/${foreign}`;
      expectDetail(await t.http.get(path).set(bearer(tenant.token)).expect(404));
      expectDetail(await t.http.patch(path).set(bearer(tenant.token)).send({ name: 'Hijacked', status: 'inactive' }).expect(404));
      expectDetail(await t.http.delete(path).set(bearer(tenant.token)).expect(404));
      expect(await snapshot(t, 'applications', other.id)).toEqual(before);
    });

    it('answers 404 for an id that exists nowhere', async () => {
      const path = `${applications(tenant.id)}/${UNKNOWN_ID}`;
      expectDetail(await t.http.get(path).set(bearer(tenant.token)).expect(404));
      expectDetail(await t.http.patch(path).set(bearer(tenant.token)).send({ name: 'x' }).expect(404));
      expectDetail(await t.http.delete(path).set(bearer(tenant.token)).expect(404));
    });

    it('answers 404 for a tenant that does not exist, and writes nothing', async () => {
      const ghost = randomUUID();
      expectDetail(
        await t.http
          .get(applications(ghost))
          .set(bearer(tokenFor(ghost)))
          .expect(404),
      );
      expectDetail(
        await t.http
          .post(applications(ghost))
          .set(bearer(tokenFor(ghost)))
          .send({ name: 'x' })
          .expect(404),
      );
      expect(await countRows(t, 'applications', 'tenant_id = $1', [ghost])).toBe(0);
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
