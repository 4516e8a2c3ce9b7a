import { randomUUID } from 'node:crypto';
import {
  CLIENT_ID,
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
import { createTenant, expectValidationError, TenantFixture } from './support/fixtures';
import { bearer, platformAdminToken, startTestApp, TestApp, tokenFor } from './support/test-app';

/**
 * What users, groups and applications have in common, once per resource: create, read,
 * update and delete; listing, paging and `q`; uniqueness where there is a unique field;
 * tenant isolation; authentication and scopes. What only one of them does (users' email
 * rules, groups' members, applications' client_id, what a delete takes with it) stays in
 * its own file, and the request checks that need no database live beside each controller
 * (src/<resource>/<resource>.controller.spec.ts).
 */

type Body = Record<string, unknown>;
/** A resource as the API answers it. */
type Answered = Body & { id: string; created_at: string; updated_at: string };
/** A refused body: what it is, the body, the `loc` and `type` of the 422 issue. */
type Refusal = [description: string, body: Body, loc: Array<string | number>, type: string];

interface CrudResource {
  /** Plural: the path segment and the table. */
  name: 'users' | 'groups' | 'applications';
  /** The path parameter naming one of them. */
  idParam: string;
  /** Every field of the response, sorted. */
  fields: string[];
  /** The tables a refused request must leave as they were. */
  tables: string[];
  readScope: string;
  writeScope: string;
  /** A valid create body, different at every call. */
  validBody(): Body;
  /** What the API answers for a resource created from `body`. */
  created(body: Body, tenantId: string): Body;
  /** A field PATCH can change alone, and a fresh value for it. */
  rename: { field: string; value(): string };
  /** A PATCH body of someone trying to change another tenant's resource. */
  hijack: Body;
  /** The list order: by `field`; five values (unsorted) and a body carrying each. */
  order: { field: string; values: string[]; body(value: string): Body };
  /** A body whose text searched by `q` is `text`, listed in the order the texts are given in (the index says where). */
  searchable(text: string, index: number): Body;
  /** The field unique within a tenant, if any. */
  unique?: {
    field: string;
    value(): string;
    /** Another spelling of a value that counts as the same one. */
    twin(value: string): string;
    /** SQL over $2 (the value) matching the rows that hold it. */
    where: string;
  };
  /** Scopes that read but cannot write this resource (other scopes thrown in). */
  readOnlyScopes: string[];
  /** Scopes without this resource's read scope (other scopes thrown in). */
  noReadScopes: string[];
  /** One database round-trip per kind of refused body; the full tables are in the controller specs. */
  refusedCreates: Refusal[];
  refusedUpdates: Refusal[];
}

const RESOURCES: CrudResource[] = [
  {
    name: 'users',
    idParam: 'user_id',
    fields: ['created_at', 'display_name', 'email', 'id', 'status', 'tenant_id', 'updated_at'],
    tables: ['users'],
    readScope: 'users:read',
    writeScope: 'users:write',
    // Mixed case: the email is kept as it was sent.
    validBody: () => ({ email: `Ada.${randomUUID()}@Example.com`, display_name: 'Ada Lovelace' }),
    created: (body, tenantId) => ({
      id: expect.stringMatching(UUID),
      tenant_id: tenantId,
      email: body.email,
      display_name: body.display_name,
      status: 'active',
      created_at: expect.stringMatching(ISO_UTC),
      updated_at: expect.stringMatching(ISO_UTC),
    }),
    rename: { field: 'display_name', value: () => `After ${randomUUID()}` },
    hijack: { display_name: 'Hijacked' },
    order: {
      field: 'email',
      values: ['carol@example.com', 'alice@example.com', 'erin@example.com', 'bob@example.com', 'dave@example.com'],
      body: (email) => ({ email, display_name: `Name of ${email.split('@')[0]}` }),
    },
    // Users are listed by email: numbered emails keep the texts in the order given.
    searchable: (text, index) => ({ email: `s${index}-${randomUUID()}@example.com`, display_name: text }),
    unique: {
      field: 'email',
      value: () => `${randomUUID()}@example.com`,
      twin: (email) => email.toUpperCase(),
      where: 'lower(email) = lower($2)',
    },
    readOnlyScopes: ['users:read'],
    noReadScopes: ['groups:read', 'groups:write', 'users:write'],
    refusedCreates: [
      ['a missing email', { display_name: 'x' }, ['body', 'email'], 'missing'],
      ['an extra field', { email: 'x@example.com', display_name: 'x', role: 'admin' }, ['body', 'role'], 'extra_forbidden'],
    ],
    refusedUpdates: [
      ['a null email', { email: null }, ['body', 'email'], 'none_forbidden'],
      ['an extra field', { tenant_id: randomUUID() }, ['body', 'tenant_id'], 'extra_forbidden'],
    ],
  },
  {
    name: 'groups',
    idParam: 'group_id',
    fields: ['created_at', 'description', 'id', 'name', 'tenant_id', 'updated_at'],
    tables: ['groups', 'group_memberships'],
    readScope: 'groups:read',
    writeScope: 'groups:write',
    validBody: () => ({ name: `Engineering ${randomUUID()}`, description: 'Everyone who ships code' }),
    created: (body, tenantId) => ({
      id: expect.stringMatching(UUID),
      tenant_id: tenantId,
      name: body.name,
      description: body.description,
      created_at: expect.stringMatching(ISO_UTC),
      updated_at: expect.stringMatching(ISO_UTC),
    }),
    rename: { field: 'description', value: () => `new ${randomUUID()}` },
    hijack: { name: 'hijacked' },
    order: { field: 'name', values: ['delta', 'alpha', 'charlie', 'bravo', 'echo'], body: (name) => ({ name }) },
    searchable: (text) => ({ name: text }),
    unique: { field: 'name', value: () => `dup-${randomUUID()}`, twin: (name) => name, where: 'name = $2' },
    readOnlyScopes: ['groups:read', 'users:read', 'users:write'],
    noReadScopes: ['groups:write', 'users:read'],
    refusedCreates: [
      ['a missing name', { description: 'x' }, ['body', 'name'], 'missing'],
      ['an extra field', { name: 'x', members: [] }, ['body', 'members'], 'extra_forbidden'],
    ],
    refusedUpdates: [
      ['a null name', { name: null }, ['body', 'name'], 'none_forbidden'],
      ['an extra field', { id: randomUUID() }, ['body', 'id'], 'extra_forbidden'],
    ],
  },
  {
    name: 'applications',
    idParam: 'application_id',
    fields: ['client_id', 'created_at', 'description', 'id', 'name', 'status', 'tenant_id', 'updated_at'],
    tables: ['applications'],
    readScope: 'applications:read',
    writeScope: 'applications:write',
    validBody: () => ({ name: 'Payroll', description: 'Monthly payslips' }),
    created: (body, tenantId) => ({
      id: expect.stringMatching(UUID),
      tenant_id: tenantId,
      name: body.name,
      description: body.description,
      client_id: expect.stringMatching(CLIENT_ID),
      status: 'active',
      created_at: expect.stringMatching(ISO_UTC),
      updated_at: expect.stringMatching(ISO_UTC),
    }),
    rename: { field: 'name', value: () => `After ${randomUUID()}` },
    hijack: { name: 'Hijacked', status: 'inactive' },
    order: { field: 'name', values: ['Wiki', 'CRM', 'Payroll', 'Mail', 'Docs'], body: (name) => ({ name }) },
    searchable: (text) => ({ name: text }),
    readOnlyScopes: ['applications:read', 'assignments:write'],
    noReadScopes: ['applications:write'],
    refusedCreates: [
      ['a missing name', {}, ['body', 'name'], 'missing'],
      ['an extra field', { name: 'x', secret: 's' }, ['body', 'secret'], 'extra_forbidden'],
    ],
    refusedUpdates: [
      ['a null name', { name: null }, ['body', 'name'], 'none_forbidden'],
      ['an unknown status', { status: 'deleted' }, ['body', 'status'], 'enum'],
    ],
  },
];

describe.each(RESOURCES)('$name', (resource) => {
  let t: TestApp;
  let tenant: TenantFixture;
  let other: TenantFixture;

  const base = (tenantId: string) => `/api/v1/tenants/${tenantId}/${resource.name}`;
  const one = (tenantId: string, id: string) => `${base(tenantId)}/${id}`;
  const table = resource.name;

  async function create(owner: TenantFixture, body: Body = resource.validBody()): Promise<Answered> {
    const response = await t.http.post(base(owner.id)).set(bearer(owner.token)).send(body).expect(201);
    return response.body.data;
  }

  async function read(owner: TenantFixture, id: string): Promise<Body> {
    return (await t.http.get(one(owner.id, id)).set(bearer(owner.token)).expect(200)).body.data;
  }

  /** Every row of the resource's tables for one tenant. */
  async function snapshots(tenantId: string): Promise<unknown[][]> {
    return Promise.all(resource.tables.map((name) => snapshot(t, name, tenantId)));
  }

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenant(t, `${resource.name} tenant`);
    other = await createTenant(t, 'Other Tenant');
  });

  afterAll(async () => {
    await t.close();
  });

  describe('create, read, update, delete', () => {
    it('creates one and answers 201 with it in the envelope, as a GET then answers it', async () => {
      const body = resource.validBody();
      const response = await t.http.post(base(tenant.id)).set(bearer(tenant.token)).send(body).expect(201);
      expectOne(response, resource.created(body, tenant.id));

      const got = await t.http.get(one(tenant.id, response.body.data.id)).set(bearer(tenant.token)).expect(200);
      expectOne(got, response.body.data);
    });

    it('lets a platform admin act in the tenant', async () => {
      const body = resource.validBody();
      const response = await t.http.post(base(tenant.id)).set(bearer(platformAdminToken())).send(body).expect(201);
      expectOne(response, resource.created(body, tenant.id));
      const got = await t.http.get(one(tenant.id, response.body.data.id)).set(bearer(platformAdminToken())).expect(200);
      expectOne(got, response.body.data);
    });

    it(`changes only the fields a PATCH sends (${resource.rename.field}), and moves updated_at`, async () => {
      const before = await create(tenant);
      await pause();
      const value = resource.rename.value();
      const renamed = await t.http
        .patch(one(tenant.id, before.id))
        .set(bearer(tenant.token))
        .send({ [resource.rename.field]: value })
        .expect(200);
      expectOne(renamed, { ...before, [resource.rename.field]: value, updated_at: expect.stringMatching(ISO_UTC) });
      expectTouched(renamed.body.data, before);
      expect(await read(tenant, before.id)).toEqual(renamed.body.data);
    });

    it('treats an empty PATCH as a no-op: nothing changes, updated_at included', async () => {
      const before = await create(tenant);
      await pause();
      const response = await t.http.patch(one(tenant.id, before.id)).set(bearer(tenant.token)).send({}).expect(200);
      expectOne(response, before);
      expect(await read(tenant, before.id)).toEqual(before);
    });

    it('deletes one with 204 and no body, after which it is gone', async () => {
      const { id } = await create(tenant);
      const response = await t.http.delete(one(tenant.id, id)).set(bearer(tenant.token)).expect(204);
      expect(response.text).toBe('');
      expect(response.headers['content-type']).toBeUndefined();
      expectDetail(await t.http.get(one(tenant.id, id)).set(bearer(tenant.token)).expect(404));
      expectDetail(await t.http.delete(one(tenant.id, id)).set(bearer(tenant.token)).expect(404));
      expect(await countRows(t, table, 'tenant_id = $1 AND id = $2', [tenant.id, id])).toBe(0);
    });
  });

  describe('listing', () => {
    let listed: TenantFixture;
    const { field } = resource.order;
    const sorted = [...resource.order.values].sort();
    const values = (response: { body: { data: Body[] } }) => response.body.data.map((row) => row[field]);

    beforeAll(async () => {
      listed = await createTenant(t, 'Listed');
      for (const value of resource.order.values) await create(listed, resource.order.body(value));
    });

    it(`orders by ${field} with the paginated envelope and default paging`, async () => {
      const response = await t.http.get(base(listed.id)).set(bearer(listed.token)).expect(200);
      expectPage(response, { page: 1, per_page: 20, total_items: 5, total_pages: 1 });
      expect(values(response)).toEqual(sorted);
      for (const row of response.body.data) {
        expect(Object.keys(row).sort()).toEqual(resource.fields);
        expect(row.tenant_id).toBe(listed.id);
      }
    });

    it('pages through the list with total_pages = ceil(total_items / per_page)', async () => {
      const all = ids(await t.http.get(base(listed.id)).set(bearer(listed.token)).expect(200));
      const seen: string[] = [];
      for (const page of [1, 2, 3]) {
        const response = await t.http.get(base(listed.id)).query({ page, per_page: 2 }).set(bearer(listed.token)).expect(200);
        expectPage(response, { page, per_page: 2, total_items: 5, total_pages: 3 });
        expect(response.body.data).toHaveLength(page < 3 ? 2 : 1);
        expect(values(response)).toEqual(sorted.slice((page - 1) * 2, page * 2));
        seen.push(...ids(response));
      }
      expect(seen).toEqual(all);
    });

    it('answers 200 with empty data and correct totals past the last page', async () => {
      const past = await t.http.get(base(listed.id)).query({ page: 4, per_page: 2 }).set(bearer(listed.token)).expect(200);
      expectPage(past, { page: 4, per_page: 2, total_items: 5, total_pages: 3 }, []);
      const far = await t.http.get(base(listed.id)).query({ page: 1000 }).set(bearer(listed.token)).expect(200);
      expectPage(far, { page: 1000, per_page: 20, total_items: 5, total_pages: 1 }, []);
      const farthest = await t.http
        .get(base(listed.id))
        .query({ page: String(Number.MAX_SAFE_INTEGER), per_page: 100 })
        .set(bearer(listed.token))
        .expect(200);
      expectPage(farthest, { page: Number.MAX_SAFE_INTEGER, per_page: 100, total_items: 5, total_pages: 1 }, []);
    });

    it('accepts per_page=100 and per_page=1', async () => {
      const hundred = await t.http.get(base(listed.id)).query({ per_page: 100 }).set(bearer(listed.token)).expect(200);
      expectPage(hundred, { page: 1, per_page: 100, total_items: 5, total_pages: 1 });
      const single = await t.http.get(base(listed.id)).query({ per_page: 1, page: 5 }).set(bearer(listed.token)).expect(200);
      expectPage(single, { page: 5, per_page: 1, total_items: 5, total_pages: 5 });
      expect(values(single)).toEqual([sorted[4]]);
    });

    // One round-trip; every refused page and per_page is in the controller spec.
    it('answers 422 naming per_page for per_page=101', async () => {
      const response = await t.http.get(base(listed.id)).query({ per_page: '101' }).set(bearer(listed.token)).expect(422);
      expectValidationError(response.body, ['query', 'per_page'], 'less_than_equal');
    });

    it('filters with q, case-insensitively, with %, _ and \\ matched literally', async () => {
      const wild = await createTenant(t, 'Wildcards');
      const texts = ['Sales EU', 'sales-us', 'Marketing', '100% club', '1000 club', 'on_call', 'onXcall', 'back\\slash'];
      for (const [index, text] of texts.entries()) await create(wild, resource.searchable(text, index));
      const search = async (q: string) => t.http.get(base(wild.id)).query({ q }).set(bearer(wild.token)).expect(200);
      const searched = resource.name === 'users' ? 'display_name' : 'name';
      const found = (response: { body: { data: Body[] } }) => response.body.data.map((row) => row[searched]);

      const sales = await search('SALES');
      expectPage(sales, { page: 1, per_page: 20, total_items: 2, total_pages: 1 });
      expect(found(sales)).toEqual(['Sales EU', 'sales-us']);
      expect(found(await search('0%'))).toEqual(['100% club']);
      const onlyPercent = await search('%');
      expect(onlyPercent.body.pagination.total_items).toBe(1);
      expect(found(onlyPercent)).toEqual(['100% club']);
      expect(found(await search('n_c'))).toEqual(['on_call']);
      expect(found(await search('k\\s'))).toEqual(['back\\slash']);
      expectPage(await search('nothing like it'), { page: 1, per_page: 20, total_items: 0, total_pages: 0 }, []);
    });

    it(`never lists ${resource.name} of another tenant`, async () => {
      const mine = await createTenant(t);
      const theirs = await createTenant(t);
      const body = resource.validBody();
      const { id } = await create(mine, body);
      await create(theirs, body);
      const response = await t.http.get(base(mine.id)).set(bearer(mine.token)).expect(200);
      expect(ids(response)).toEqual([id]);
      expect(response.body.pagination.total_items).toBe(1);
    });
  });

  describe('validation (one database round-trip of each kind; the rest is in the controller spec)', () => {
    it.each(resource.refusedCreates)('answers 422 on create for %s, and writes nothing', async (_, body, loc, type) => {
      const before = await countRows(t, table, 'tenant_id = $1', [tenant.id]);
      const response = await t.http.post(base(tenant.id)).set(bearer(tenant.token)).send(body).expect(422);
      expectValidationError(response.body, loc, type);
      expect(await countRows(t, table, 'tenant_id = $1', [tenant.id])).toBe(before);
    });

    it.each(resource.refusedUpdates)('answers 422 on update for %s, and changes nothing', async (_, body, loc, type) => {
      const before = await create(tenant);
      const response = await t.http.patch(one(tenant.id, before.id)).set(bearer(tenant.token)).send(body).expect(422);
      expectValidationError(response.body, loc, type);
      expect(await read(tenant, before.id)).toEqual(before);
    });

    it('answers 422 json_invalid for malformed JSON, and writes nothing', async () => {
      const before = await countRows(t, table, 'tenant_id = $1', [tenant.id]);
      const response = await t.http
        .post(base(tenant.id))
        .set(bearer(tenant.token))
        .set('Content-Type', 'application/json')
        .send('{"name": "unfinished", ')
        .expect(422);
      expectValidationError(response.body, ['body'], 'json_invalid');
      expect(await countRows(t, table, 'tenant_id = $1', [tenant.id])).toBe(before);
    });

    it('answers 422 for a missing body, and writes nothing', async () => {
      const before = await countRows(t, table, 'tenant_id = $1', [tenant.id]);
      const response = await t.http.post(base(tenant.id)).set(bearer(tenant.token)).expect(422);
      expectValidationError(response.body, ['body'], 'missing');
      expect(await countRows(t, table, 'tenant_id = $1', [tenant.id])).toBe(before);
    });

    it(`answers 422 naming ${resource.idParam} for a malformed id in the path, and deletes nothing`, async () => {
      const before = await countRows(t, table, 'tenant_id = $1', [tenant.id]);
      const response = await t.http
        .delete(`${base(tenant.id)}/not-a-uuid`)
        .set(bearer(tenant.token))
        .expect(422);
      expectValidationError(response.body, ['path', resource.idParam], 'uuid_parsing');
      expect(await countRows(t, table, 'tenant_id = $1', [tenant.id])).toBe(before);
    });

    it('answers 422 naming tenant_id for a malformed tenant id in the path', async () => {
      const response = await t.http.get(base('acme')).set(bearer(tenant.token)).expect(422);
      expectValidationError(response.body, ['path', 'tenant_id'], 'uuid_parsing');
    });
  });

  describe('tenant isolation', () => {
    it('answers 404 for the id of one in another tenant, and leaves it untouched', async () => {
      const foreign = await create(other);
      const before = await snapshots(other.id);
      const path = one(tenant.id, foreign.id);
      expectDetail(await t.http.get(path).set(bearer(tenant.token)).expect(404));
      expectDetail(await t.http.patch(path).set(bearer(tenant.token)).send(resource.hijack).expect(404));
      expectDetail(await t.http.delete(path).set(bearer(tenant.token)).expect(404));
      expect(await snapshots(other.id)).toEqual(before);
      expect(await read(other, foreign.id)).toEqual(foreign);
    });

    it('answers 404 for an id that exists nowhere', async () => {
      const path = one(tenant.id, UNKNOWN_ID);
      expectDetail(await t.http.get(path).set(bearer(tenant.token)).expect(404));
      expectDetail(
        await t.http
          .patch(path)
          .set(bearer(tenant.token))
          .send({ [resource.rename.field]: resource.rename.value() })
          .expect(404),
      );
      expectDetail(await t.http.delete(path).set(bearer(tenant.token)).expect(404));
    });

    it('answers 404 for a tenant that does not exist, and writes nothing', async () => {
      const ghost = randomUUID();
      expectDetail(
        await t.http
          .get(base(ghost))
          .set(bearer(tokenFor(ghost)))
          .expect(404),
      );
      expectDetail(
        await t.http
          .post(base(ghost))
          .set(bearer(tokenFor(ghost)))
          .send(resource.validBody())
          .expect(404),
      );
      expect(await countRows(t, table, 'tenant_id = $1', [ghost])).toBe(0);
    });
  });

  describe('authentication and authorization', () => {
    let id: string;

    beforeAll(async () => {
      ({ id } = await create(tenant));
    });

    const requests = () => [
      { name: 'list', write: false, run: () => t.http.get(base(tenant.id)) },
      { name: 'create', write: true, run: () => t.http.post(base(tenant.id)).send(resource.validBody()) },
      { name: 'get', write: false, run: () => t.http.get(one(tenant.id, id)) },
      { name: 'update', write: true, run: () => t.http.patch(one(tenant.id, id)).send(resource.hijack) },
      { name: 'delete', write: true, run: () => t.http.delete(one(tenant.id, id)) },
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
      const before = await snapshots(tenant.id);
      for (const request of requests()) {
        const response = await request.run().set(bearer(other.token));
        expect({ name: request.name, status: response.status }).toEqual({ name: request.name, status: 403 });
        expectDetail(response);
      }
      expect(await snapshots(tenant.id)).toEqual(before);
    });

    it(`answers 403 for writes with only ${resource.readScope}, and changes nothing`, async () => {
      const readOnly = tokenFor(tenant.id, resource.readOnlyScopes);
      const before = await snapshots(tenant.id);
      for (const request of requests()) {
        const response = await request.run().set(bearer(readOnly));
        expect({ name: request.name, status: response.status }).toEqual({
          name: request.name,
          status: request.write ? 403 : 200,
        });
        if (request.write) expectDetail(response, new RegExp(resource.writeScope));
      }
      expect(await snapshots(tenant.id)).toEqual(before);
    });

    it(`answers 403 for reads without ${resource.readScope}`, async () => {
      const noRead = tokenFor(tenant.id, resource.noReadScopes);
      for (const request of requests().filter(({ write }) => !write)) {
        const response = await request.run().set(bearer(noRead));
        expect({ name: request.name, status: response.status }).toEqual({ name: request.name, status: 403 });
        expectDetail(response, new RegExp(resource.readScope));
      }
    });
  });
});

describe.each(RESOURCES.filter((resource) => resource.unique))('$name: the unique field', (resource) => {
  let t: TestApp;
  let tenant: TenantFixture;
  let other: TenantFixture;
  const unique = resource.unique!;
  const base = (tenantId: string) => `/api/v1/tenants/${tenantId}/${resource.name}`;
  const one = (tenantId: string, id: string) => `${base(tenantId)}/${id}`;
  const withValue = (value: string): Body => ({ ...resource.validBody(), [unique.field]: value });

  async function create(owner: TenantFixture, body: Body): Promise<Answered> {
    return (await t.http.post(base(owner.id)).set(bearer(owner.token)).send(body).expect(201)).body.data;
  }

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenant(t, `${resource.name} unique tenant`);
    other = await createTenant(t, 'Other Tenant');
  });

  afterAll(async () => {
    await t.close();
  });

  it(`answers 409 for a duplicate ${unique.field} in the tenant, and writes nothing`, async () => {
    const value = unique.value();
    await create(tenant, withValue(value));
    const before = await snapshot(t, resource.name, tenant.id);
    const response = await t.http
      .post(base(tenant.id))
      .set(bearer(tenant.token))
      .send(withValue(unique.twin(value)))
      .expect(409);
    expectDetail(response);
    expect(await snapshot(t, resource.name, tenant.id)).toEqual(before);
  });

  it(`lets exactly one of several concurrent creates with the same ${unique.field} succeed`, async () => {
    const value = unique.value();
    const responses = await Promise.all(
      [0, 1, 2, 3, 4].map((index) =>
        t.http
          .post(base(tenant.id))
          .set(bearer(tenant.token))
          .send(withValue(index % 2 ? value : unique.twin(value))),
      ),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const response of responses.filter(({ status }) => status === 409)) expectDetail(response);
    expect(await countRows(t, resource.name, `tenant_id = $1 AND ${unique.where}`, [tenant.id, value])).toBe(1);
  });

  it(`allows the same ${unique.field} in another tenant`, async () => {
    const value = unique.value();
    await create(tenant, withValue(value));
    const response = await t.http.post(base(other.id)).set(bearer(other.token)).send(withValue(value)).expect(201);
    expect(response.body.data).toMatchObject({ [unique.field]: value, tenant_id: other.id });
  });

  it(`answers 409 for an update onto the ${unique.field} of another, and changes nothing`, async () => {
    const taken = unique.value();
    await create(tenant, withValue(taken));
    const { id } = await create(tenant, resource.validBody());
    const before = (await t.http.get(one(tenant.id, id)).set(bearer(tenant.token)).expect(200)).body.data;
    const response = await t.http
      .patch(one(tenant.id, id))
      .set(bearer(tenant.token))
      .send({ [unique.field]: unique.twin(taken), [resource.rename.field]: resource.rename.value() })
      .expect(409);
    expectDetail(response);
    expect((await t.http.get(one(tenant.id, id)).set(bearer(tenant.token)).expect(200)).body.data).toEqual(before);
  });

  it(`accepts an update that repeats its own ${unique.field}, even spelled differently`, async () => {
    const value = unique.value();
    const { id } = await create(tenant, withValue(value));
    const response = await t.http
      .patch(one(tenant.id, id))
      .set(bearer(tenant.token))
      .send({ [unique.field]: unique.twin(value) })
      .expect(200);
    expect(response.body.data[unique.field]).toBe(unique.twin(value));
  });
});
