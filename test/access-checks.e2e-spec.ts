import { Scope } from '../src/common/auth/scopes';
import { countRows, expectOne, UNKNOWN_ID } from './support/assertions';
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

interface Check {
  user_id: string;
  application_id?: string;
  client_id?: string;
}

/**
 * The access check, single and batch: answers, 404s, order and limits of a batch, bad input,
 * and other tenants' ids. That it agrees with a user's applications on every shape of tenant
 * is test/access/access-check.property.e2e-spec.ts.
 */
describe('Access checks', () => {
  let t: TestApp;
  let tenant: TenantFixture;
  let other: TenantFixture;
  /** ada: Wiki directly and through Alpha and Beta; bob: Wiki through Beta; carol: nothing. */
  let ada: string, bob: string, carol: string;
  let alpha: string, beta: string;
  let wiki: string, payroll: string;
  let wikiClientId: string, payrollClientId: string;
  let foreignUser: string, foreignApp: string, foreignClientId: string;

  const base = () => `/api/v1/tenants/${tenant.id}`;
  const token = () => bearer(tokenFor(tenant.id, [Scope.AccessCheck]));
  const check = (query: Record<string, string>) => t.http.get(`${base()}/access-check`).query(query).set(token());
  const batch = (checks: unknown) => t.http.post(`${base()}/access-checks`).set(token()).send({ checks });
  const clientIdOf = async (fixture: TenantFixture, id: string): Promise<string> =>
    (await t.http.get(`/api/v1/tenants/${fixture.id}/applications/${id}`).set(bearer(fixture.token)).expect(200)).body.data
      .client_id;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTenant(t);
    other = await createTenant(t, 'Other');
    [ada, bob, carol] = await Promise.all([createUser(t, tenant), createUser(t, tenant), createUser(t, tenant)]);
    // Names out of id order, so the sort by name shows.
    [alpha, beta] = await Promise.all([createGroup(t, tenant, 'Beta'), createGroup(t, tenant, 'Alpha')]);
    [wiki, payroll] = await Promise.all([createApplication(t, tenant, 'Wiki'), createApplication(t, tenant, 'Payroll')]);
    [wikiClientId, payrollClientId] = await Promise.all([clientIdOf(tenant, wiki), clientIdOf(tenant, payroll)]);
    const h = bearer(tenant.token);
    await addMember(t, tenant, alpha, ada);
    await addMember(t, tenant, beta, ada);
    await addMember(t, tenant, beta, bob);
    await t.http.post(`${base()}/users/${ada}/applications`).set(h).send({ application_id: wiki }).expect(201);
    await t.http.post(`${base()}/groups/${alpha}/applications`).set(h).send({ application_id: wiki }).expect(201);
    await t.http.post(`${base()}/groups/${beta}/applications`).set(h).send({ application_id: wiki }).expect(201);
    foreignUser = await createUser(t, other);
    foreignApp = await createApplication(t, other, 'Foreign');
    foreignClientId = await clientIdOf(other, foreignApp);
  });

  afterAll(async () => {
    await t.close();
  });

  const groups = () => [
    // 'Alpha' is the group created second (beta), 'Beta' the first (alpha).
    { id: beta, name: 'Alpha' },
    { id: alpha, name: 'Beta' },
  ];

  describe('single', () => {
    it('answers granted, direct and the groups sorted by name, by application id or by client id', async () => {
      const expected = {
        user_id: ada,
        application_id: wiki,
        client_id: wikiClientId,
        granted: true,
        direct: true,
        groups: groups(),
      };
      expectOne(await check({ user_id: ada, application_id: wiki }).expect(200), expected);
      expectOne(await check({ user_id: ada, client_id: wikiClientId }).expect(200), expected);
    });

    it('answers through a group only, and not granted', async () => {
      expect((await check({ user_id: bob, application_id: wiki }).expect(200)).body.data).toEqual({
        user_id: bob,
        application_id: wiki,
        client_id: wikiClientId,
        granted: true,
        direct: false,
        groups: [{ id: beta, name: 'Alpha' }],
      });
      expect((await check({ user_id: carol, client_id: payrollClientId }).expect(200)).body.data).toEqual({
        user_id: carol,
        application_id: payroll,
        client_id: payrollClientId,
        granted: false,
        direct: false,
        groups: [],
      });
    });

    it('accepts upper-case ids and answers them lower-case', async () => {
      const response = await check({ user_id: ada.toUpperCase(), application_id: wiki.toUpperCase() }).expect(200);
      expect([response.body.data.user_id, response.body.data.application_id]).toEqual([ada, wiki]);
    });

    it('is 404 for an unknown user (first) or application, with the usual details', async () => {
      expect((await check({ user_id: UNKNOWN_ID, application_id: wiki }).expect(404)).body).toEqual({ detail: 'User not found' });
      expect((await check({ user_id: UNKNOWN_ID, application_id: UNKNOWN_ID }).expect(404)).body).toEqual({
        detail: 'User not found',
      });
      expect((await check({ user_id: ada, application_id: UNKNOWN_ID }).expect(404)).body).toEqual({
        detail: 'Application not found',
      });
      expect((await check({ user_id: ada, client_id: 'app_nosuchclient' }).expect(404)).body).toEqual({
        detail: 'Application not found',
      });
      // client ids are case-sensitive.
      expect((await check({ user_id: ada, client_id: wikiClientId.toUpperCase() }).expect(404)).body).toEqual({
        detail: 'Application not found',
      });
    });

    it("is 404 for another tenant's user, application or client id, never its data", async () => {
      expect((await check({ user_id: foreignUser, application_id: wiki }).expect(404)).body).toEqual({
        detail: 'User not found',
      });
      expect((await check({ user_id: ada, application_id: foreignApp }).expect(404)).body).toEqual({
        detail: 'Application not found',
      });
      expect((await check({ user_id: ada, client_id: foreignClientId }).expect(404)).body).toEqual({
        detail: 'Application not found',
      });
    });

    it('needs exactly one of application_id and client_id: 422 naming the query parameter', async () => {
      const neither = await check({ user_id: ada }).expect(422);
      expect(neither.body).toEqual({
        detail: [{ loc: ['query', 'application_id'], msg: 'Field required: give application_id or client_id', type: 'missing' }],
      });
      const both = await check({ user_id: ada, application_id: wiki, client_id: wikiClientId }).expect(422);
      expect(both.body).toEqual({
        detail: [{ loc: ['query', 'client_id'], msg: 'Give either application_id or client_id, not both', type: 'value_error' }],
      });
    });

    it.each([
      ['a user id that is no UUID', { user_id: 'not-a-uuid', application_id: UNKNOWN_ID }, ['query', 'user_id'], 'uuid_parsing'],
      ['no user id', { application_id: UNKNOWN_ID }, ['query', 'user_id'], 'missing'],
      [
        'an application id that is no UUID',
        { user_id: UNKNOWN_ID, application_id: '42' },
        ['query', 'application_id'],
        'uuid_parsing',
      ],
      ['an empty client id', { user_id: UNKNOWN_ID, client_id: '' }, ['query', 'client_id'], 'string_too_short'],
      ['a client id too long', { user_id: UNKNOWN_ID, client_id: 'x'.repeat(65) }, ['query', 'client_id'], 'string_too_long'],
    ])('is 422 for %s', async (_, query, loc, type) => {
      expectValidationError((await check(query as Record<string, string>).expect(422)).body, loc, type);
    });

    it('is 422 for a repeated parameter', async () => {
      const response = await t.http
        .get(`${base()}/access-check?user_id=${ada}&user_id=${bob}&application_id=${wiki}`)
        .set(token());
      expect(response.status).toBe(422);
      expectValidationError(response.body, ['query', 'user_id']);
    });
  });

  describe('batch', () => {
    it('answers each check in order, mixing application ids, client ids, unknown items and duplicates', async () => {
      const checks: Check[] = [
        { user_id: carol, application_id: wiki },
        { user_id: ada, client_id: wikiClientId },
        { user_id: UNKNOWN_ID, application_id: wiki },
        { user_id: bob, application_id: wiki },
        { user_id: ada, application_id: UNKNOWN_ID },
        { user_id: ada, client_id: 'app_nosuchclient' },
        { user_id: foreignUser, client_id: foreignClientId },
        { user_id: carol, application_id: wiki },
      ];
      const response = await batch(checks).expect(200);
      const carolWiki = {
        user_id: carol,
        application_id: wiki,
        client_id: wikiClientId,
        granted: false,
        direct: false,
        groups: [],
      };
      expect(Object.keys(response.body).sort()).toEqual(['data', 'meta']);
      expect(response.body.data).toEqual([
        carolWiki,
        { user_id: ada, application_id: wiki, client_id: wikiClientId, granted: true, direct: true, groups: groups() },
        { user_id: UNKNOWN_ID, application_id: wiki, error: { status: 404, detail: 'User not found' } },
        {
          user_id: bob,
          application_id: wiki,
          client_id: wikiClientId,
          granted: true,
          direct: false,
          groups: [{ id: beta, name: 'Alpha' }],
        },
        { user_id: ada, application_id: UNKNOWN_ID, error: { status: 404, detail: 'Application not found' } },
        { user_id: ada, client_id: 'app_nosuchclient', error: { status: 404, detail: 'Application not found' } },
        { user_id: foreignUser, client_id: foreignClientId, error: { status: 404, detail: 'User not found' } },
        carolWiki,
      ]);
    });

    it('gives each item exactly what the single check gives', async () => {
      const checks: Check[] = [
        { user_id: ada, application_id: wiki },
        { user_id: bob, client_id: wikiClientId },
        { user_id: carol, application_id: payroll },
        { user_id: ada, application_id: UNKNOWN_ID },
      ];
      const answers = (await batch(checks).expect(200)).body.data as unknown[];
      for (const [index, item] of checks.entries()) {
        const single = await check(item as unknown as Record<string, string>);
        const expected =
          single.status === 200
            ? single.body.data
            : { ...item, error: { status: single.status, detail: (single.body as { detail: string }).detail } };
        expect(answers[index]).toEqual(expected);
      }
    });

    it('takes 100 checks, in order', async () => {
      const users = [ada, bob, carol];
      const checks: Check[] = Array.from({ length: 100 }, (_, index) =>
        index % 2 === 0
          ? { user_id: users[index % 3], application_id: index % 5 === 0 ? payroll : wiki }
          : { user_id: users[index % 3], client_id: index % 5 === 0 ? payrollClientId : wikiClientId },
      );
      const answers = (await batch(checks).expect(200)).body.data as Array<{ user_id: string; application_id: string }>;
      expect(answers).toHaveLength(100);
      expect(answers.map((answer) => [answer.user_id, answer.application_id])).toEqual(
        checks.map((item, index) => [item.user_id, index % 5 === 0 ? payroll : wiki]),
      );
    });

    it('is 422 for 0 or 101 checks, or none at all', async () => {
      expectValidationError((await batch([]).expect(422)).body, ['body', 'checks'], 'too_short');
      const many = Array.from({ length: 101 }, () => ({ user_id: ada, application_id: wiki }));
      expectValidationError((await batch(many).expect(422)).body, ['body', 'checks'], 'too_long');
      expectValidationError(
        (await t.http.post(`${base()}/access-checks`).set(token()).send({}).expect(422)).body,
        ['body', 'checks'],
        'missing',
      );
      expectValidationError((await batch('nope').expect(422)).body, ['body', 'checks'], 'list_type');
    });

    it('is 422 naming the item and field for a bad check', async () => {
      const bad = async (item: unknown, loc: Array<string | number>, type?: string) =>
        expectValidationError((await batch([{ user_id: ada, application_id: wiki }, item]).expect(422)).body, loc, type);
      await bad({ user_id: 'nope', application_id: wiki }, ['body', 'checks', 1, 'user_id'], 'uuid_parsing');
      await bad({ user_id: ada }, ['body', 'checks', 1, 'application_id'], 'missing');
      await bad(
        { user_id: ada, application_id: wiki, client_id: wikiClientId },
        ['body', 'checks', 1, 'client_id'],
        'value_error',
      );
      await bad({ user_id: ada, client_id: 7 }, ['body', 'checks', 1, 'client_id'], 'string_type');
      await bad({ user_id: ada, application_id: wiki, extra: 1 }, ['body', 'checks', 1, 'extra'], 'extra_forbidden');
      await bad('nope', ['body', 'checks', 1], 'model_type');
      await bad(null, ['body', 'checks', 1], 'model_type');
      await bad([], ['body', 'checks', 1], 'model_type');
      await bad([{ user_id: ada, application_id: wiki }], ['body', 'checks', 1], 'model_type');
    });

    it('changes nothing and records no audit event', async () => {
      const before = await countRows(t, 'audit_events', 'tenant_id = $1', [tenant.id]);
      await batch([{ user_id: ada, application_id: wiki }]).expect(200);
      await check({ user_id: ada, application_id: wiki }).expect(200);
      expect(await countRows(t, 'audit_events', 'tenant_id = $1', [tenant.id])).toBe(before);
    });
  });

  describe('what it sees', () => {
    it('stops granting at once when a group or the application is deleted, and for a deleted user is 404', async () => {
      const h = bearer(tenant.token);
      const user = await createUser(t, tenant);
      const group = await createGroup(t, tenant, 'Doomed');
      const application = await createApplication(t, tenant, 'Doomed App');
      await addMember(t, tenant, group, user);
      await t.http.post(`${base()}/groups/${group}/applications`).set(h).send({ application_id: application }).expect(201);
      expect((await check({ user_id: user, application_id: application }).expect(200)).body.data.groups).toEqual([
        { id: group, name: 'Doomed' },
      ]);
      await t.http.delete(`${base()}/groups/${group}`).set(h).expect(204);
      expect((await check({ user_id: user, application_id: application }).expect(200)).body.data).toMatchObject({
        granted: false,
        groups: [],
      });
      await t.http.post(`${base()}/users/${user}/applications`).set(h).send({ application_id: application }).expect(201);
      expect((await check({ user_id: user, application_id: application }).expect(200)).body.data.granted).toBe(true);
      await t.http.delete(`${base()}/applications/${application}`).set(h).expect(204);
      await check({ user_id: user, application_id: application }).expect(404);
      await t.http.delete(`${base()}/users/${user}`).set(h).expect(204);
      expect((await check({ user_id: user, application_id: wiki }).expect(404)).body).toEqual({ detail: 'User not found' });
    });

    it('needs access:check (or platform:admin), and a token of this tenant', async () => {
      const url = `${base()}/access-check?user_id=${ada}&application_id=${wiki}`;
      await t.http
        .get(url)
        .set(bearer(tokenFor(tenant.id, [Scope.AssignmentsRead, Scope.UsersRead])))
        .expect(403);
      await t.http
        .get(url)
        .set(bearer(tokenFor(other.id, [Scope.AccessCheck])))
        .expect(403);
      await t.http
        .get(url)
        .set(bearer(tokenFor(tenant.id, [Scope.AccessCheck])))
        .expect(200);
    });
  });
});
