import { randomUUID } from 'node:crypto';
import { EffectiveAccessCheckRepository } from '../../src/access/effective-access-check.repository';
import { BackgroundWorker } from '../../src/background/background-worker';
import { call, HttpAnswer, prng } from '../support/http-client';
import { IsolatedApp, startIsolatedApp } from '../support/isolated-app';
import { loadOperations } from '../support/openapi-operations';
import { platformAdminToken, tokenFor } from '../support/test-app';

/**
 * Storms of concurrent writes on the same user, group and application, over real
 * sockets. Afterwards the database must be consistent (no duplicate or orphan rows) and
 * every total the API reports must equal a recount in SQL. No 5xx, and every status is
 * one the operation documents.
 */

const SEED = 20261128;

interface StormRequest {
  /** The OpenAPI operation, `METHOD /template`, whose documented statuses apply. */
  operation: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
}

interface Outcome {
  request: StormRequest;
  answer?: HttpAnswer;
  error?: string;
}

const T = '/api/v1/tenants/{tenant_id}';
const Op = {
  assignUser: `POST ${T}/users/{user_id}/applications`,
  unassignUser: `DELETE ${T}/users/{user_id}/applications/{application_id}`,
  bulk: `POST ${T}/users/{user_id}/applications/bulk`,
  assignGroup: `POST ${T}/groups/{group_id}/applications`,
  unassignGroup: `DELETE ${T}/groups/{group_id}/applications/{application_id}`,
  addMember: `POST ${T}/groups/{group_id}/members`,
  removeMember: `DELETE ${T}/groups/{group_id}/members/{user_id}`,
  createUser: `POST ${T}/users`,
  deleteUser: `DELETE ${T}/users/{user_id}`,
  deleteGroup: `DELETE ${T}/groups/{group_id}`,
  deleteApplication: `DELETE ${T}/applications/{application_id}`,
  userApplications: `GET ${T}/users/{user_id}/applications`,
  effectiveUsers: `GET ${T}/applications/{application_id}/effective-users`,
  assignees: `GET ${T}/applications/{application_id}/assignees`,
};

describe('Concurrency storms', () => {
  let t: IsolatedApp;
  let baseUrl: string;
  let tenantId: string;
  let token: string;
  /** Statuses each operation documents, from the OpenAPI document. */
  let documented: Map<string, number[]>;
  const counts = { requests: 0, fiveHundreds: 0, storms: 0 };
  const random = prng(SEED);

  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const sample = <T>(items: readonly T[], size: number): T[] => [...items].sort(() => random() - 0.5).slice(0, size);
  const base = () => `/api/v1/tenants/${tenantId}`;

  beforeAll(async () => {
    const [app, loaded] = await Promise.all([startIsolatedApp('concurrency', { DATABASE_POOL_SIZE: '10' }), loadOperations()]);
    t = app;
    baseUrl = await t.listen();
    documented = new Map(loaded.operations.map((operation) => [operation.label, operation.responses]));
    for (const label of Object.values(Op)) {
      if (!documented.has(label)) throw new Error(`the document has no ${label}`);
    }
    const tenant = await call(baseUrl, 'POST', '/api/v1/tenants', platformAdminToken(), {
      name: 'Storm',
      slug: `storm-${randomUUID().slice(0, 8)}`,
    });
    tenantId = tenant.body.data.id;
    token = tokenFor(tenantId);
  }, 60_000);

  afterAll(async () => {
    console.log(
      `concurrency: ${counts.requests} concurrent requests in ${counts.storms} storms, 5xx seen: ${counts.fiveHundreds}`,
    );
    await t?.close();
  });

  async function create(kind: 'users' | 'groups' | 'applications', count: number): Promise<string[]> {
    return Promise.all(
      Array.from({ length: count }, async () => {
        const body =
          kind === 'users'
            ? { email: `${randomUUID()}@example.com`, display_name: 'Storm User' }
            : { name: `${kind}-${randomUUID()}` };
        const answer = await call(baseUrl, 'POST', `${base()}/${kind}`, token, body);
        if (answer.status !== 201) throw new Error(`setup: ${answer.status} ${JSON.stringify(answer.body)}`);
        return answer.body.data.id as string;
      }),
    );
  }

  /** Fires every request at once and waits for all of them. */
  async function storm(requests: StormRequest[], callerToken = token): Promise<Outcome[]> {
    counts.storms += 1;
    const outcomes = await Promise.all(
      requests.map(async (request): Promise<Outcome> => {
        try {
          const answer = await call(baseUrl, request.method, request.path, callerToken, request.body);
          counts.requests += 1;
          if (answer.status >= 500) counts.fiveHundreds += 1;
          return { request, answer };
        } catch (error) {
          return { request, error: String(error) };
        }
      }),
    );
    const problems: string[] = [];
    for (const { request, answer, error } of outcomes) {
      if (!answer) {
        problems.push(`${request.method} ${request.path}: no answer (${error})`);
        continue;
      }
      const allowed = documented.get(request.operation)!.filter((status) => ![401, 403, 422].includes(status));
      if (!allowed.includes(answer.status)) {
        problems.push(
          `${request.method} ${request.path}: ${answer.status} ${JSON.stringify(answer.body)} (documented: ${allowed.join(', ')})`,
        );
      }
    }
    expect(problems).toEqual([]);
    return outcomes;
  }

  const statuses = (outcomes: Outcome[], operation: string) =>
    outcomes.filter((outcome) => outcome.request.operation === operation).map((outcome) => outcome.answer!.status);
  const countOf = (values: number[], status: number) => values.filter((value) => value === status).length;

  it('identical concurrent writes: exactly one succeeds, the rest conflict or find nothing', async () => {
    const [[user], [group], [app1, app2]] = await Promise.all([
      create('users', 1),
      create('groups', 1),
      create('applications', 2),
    ]);
    const [member] = await create('users', 1);
    const requests: StormRequest[] = [
      ...Array.from({ length: 40 }, () => ({
        operation: Op.assignUser,
        method: 'POST' as const,
        path: `${base()}/users/${user}/applications`,
        body: { application_id: app1 },
      })),
      ...Array.from({ length: 40 }, () => ({
        operation: Op.assignGroup,
        method: 'POST' as const,
        path: `${base()}/groups/${group}/applications`,
        body: { application_id: app1 },
      })),
      ...Array.from({ length: 40 }, () => ({
        operation: Op.addMember,
        method: 'POST' as const,
        path: `${base()}/groups/${group}/members`,
        body: { user_id: member },
      })),
    ];
    const outcomes = await storm(requests);
    for (const operation of [Op.assignUser, Op.assignGroup, Op.addMember]) {
      const seen = statuses(outcomes, operation);
      expect([operation, countOf(seen, 201), countOf(seen, 409)]).toEqual([operation, 1, 39]);
    }

    // And the same for removals: one 204, the rest 404.
    await call(baseUrl, 'POST', `${base()}/users/${user}/applications`, token, { application_id: app2 });
    const removals = await storm([
      ...Array.from({ length: 40 }, () => ({
        operation: Op.unassignUser,
        method: 'DELETE' as const,
        path: `${base()}/users/${user}/applications/${app2}`,
      })),
      ...Array.from({ length: 40 }, () => ({
        operation: Op.unassignGroup,
        method: 'DELETE' as const,
        path: `${base()}/groups/${group}/applications/${app1}`,
      })),
      ...Array.from({ length: 40 }, () => ({
        operation: Op.removeMember,
        method: 'DELETE' as const,
        path: `${base()}/groups/${group}/members/${member}`,
      })),
    ]);
    for (const operation of [Op.unassignUser, Op.unassignGroup, Op.removeMember]) {
      const seen = statuses(removals, operation);
      expect([operation, countOf(seen, 204), countOf(seen, 404)]).toEqual([operation, 1, 39]);
    }
    await expectConsistent();
  }, 60_000);

  it('overlapping concurrent bulk assignments: every application assigned exactly once, accounted for exactly', async () => {
    const [[user], apps] = await Promise.all([create('users', 1), create('applications', 12)]);
    const requests: StormRequest[] = Array.from({ length: 60 }, () => ({
      operation: Op.bulk,
      method: 'POST',
      path: `${base()}/users/${user}/applications/bulk`,
      body: { application_ids: sample(apps, 1 + Math.floor(random() * 8)) },
    }));
    const outcomes = await storm(requests);
    const newlyAssigned = outcomes.flatMap((outcome) => outcome.answer!.body.data.assigned as string[]);
    const requested = new Set(requests.flatMap((request) => (request.body as { application_ids: string[] }).application_ids));
    // Each application went in exactly once, by exactly one of the requests that asked for it.
    expect([...newlyAssigned].sort()).toEqual([...requested].sort());
    for (const outcome of outcomes) {
      const data = outcome.answer!.body.data;
      expect(data.assigned_count).toBe(data.assigned.length);
      expect([...data.assigned, ...data.already_assigned].sort()).toEqual(
        [...new Set((outcome.request.body as { application_ids: string[] }).application_ids)].sort(),
      );
    }
    const rows = await t.dataSource.query(
      `SELECT application_id FROM user_app_assignments WHERE tenant_id = $1 AND user_id = $2`,
      [tenantId, user],
    );
    expect(rows.map((row: { application_id: string }) => row.application_id).sort()).toEqual([...requested].sort());
    await expectConsistent();
  }, 60_000);

  it('a mixed storm on one hot user, group and application (assign, unassign, bulk, members, reads)', async () => {
    const [users, groups, apps] = await Promise.all([create('users', 6), create('groups', 3), create('applications', 6)]);
    const [hotUser, hotGroup, hotApp] = [users[0], groups[0], apps[0]];
    const hotApps = apps.slice(0, 4);
    const makers: Array<() => StormRequest> = [
      () => ({
        operation: Op.assignUser,
        method: 'POST',
        path: `${base()}/users/${pick([hotUser, hotUser, ...users])}/applications`,
        body: { application_id: pick(hotApps) },
      }),
      () => ({
        operation: Op.unassignUser,
        method: 'DELETE',
        path: `${base()}/users/${pick([hotUser, hotUser, ...users])}/applications/${pick(hotApps)}`,
      }),
      () => ({
        operation: Op.bulk,
        method: 'POST',
        path: `${base()}/users/${hotUser}/applications/bulk`,
        body: { application_ids: sample(apps, 1 + Math.floor(random() * 5)) },
      }),
      () => ({
        operation: Op.assignGroup,
        method: 'POST',
        path: `${base()}/groups/${pick([hotGroup, ...groups])}/applications`,
        body: { application_id: pick([hotApp, ...hotApps]) },
      }),
      () => ({
        operation: Op.unassignGroup,
        method: 'DELETE',
        path: `${base()}/groups/${pick([hotGroup, ...groups])}/applications/${pick([hotApp, ...hotApps])}`,
      }),
      () => ({
        operation: Op.addMember,
        method: 'POST',
        path: `${base()}/groups/${pick([hotGroup, hotGroup, ...groups])}/members`,
        body: { user_id: pick(users) },
      }),
      () => ({
        operation: Op.removeMember,
        method: 'DELETE',
        path: `${base()}/groups/${pick([hotGroup, hotGroup, ...groups])}/members/${pick(users)}`,
      }),
      () => ({
        operation: Op.effectiveUsers,
        method: 'GET',
        path: `${base()}/applications/${hotApp}/effective-users?per_page=100`,
      }),
      () => ({ operation: Op.userApplications, method: 'GET', path: `${base()}/users/${hotUser}/applications` }),
      () => ({ operation: Op.assignees, method: 'GET', path: `${base()}/applications/${hotApp}/assignees` }),
    ];
    const outcomes = await storm(Array.from({ length: 300 }, () => pick(makers)()));
    // Something of each kind went through, so the storm really did race writes.
    for (const operation of [Op.assignUser, Op.bulk, Op.assignGroup, Op.addMember])
      expect(statuses(outcomes, operation)).toContain(201);
    for (const operation of [Op.unassignUser, Op.unassignGroup, Op.removeMember])
      expect(statuses(outcomes, operation)).toContain(204);
    await expectConsistent();
  }, 60_000);

  it('deletes racing assignments, bulk and membership changes on the same user, group and application', async () => {
    const [users, groups, apps] = await Promise.all([create('users', 6), create('groups', 3), create('applications', 6)]);
    const [doomedUser, doomedGroup, doomedApp] = [users[0], groups[0], apps[0]];
    const writes: Array<() => StormRequest> = [
      () => ({
        operation: Op.assignUser,
        method: 'POST',
        path: `${base()}/users/${pick(users)}/applications`,
        body: { application_id: pick([doomedApp, ...apps]) },
      }),
      () => ({
        operation: Op.bulk,
        method: 'POST',
        path: `${base()}/users/${pick([doomedUser, ...users])}/applications/bulk`,
        body: { application_ids: sample(apps, 3) },
      }),
      () => ({
        operation: Op.assignGroup,
        method: 'POST',
        path: `${base()}/groups/${pick(groups)}/applications`,
        body: { application_id: pick([doomedApp, ...apps]) },
      }),
      () => ({
        operation: Op.addMember,
        method: 'POST',
        path: `${base()}/groups/${pick(groups)}/members`,
        body: { user_id: pick([doomedUser, ...users]) },
      }),
      () => ({ operation: Op.unassignUser, method: 'DELETE', path: `${base()}/users/${pick(users)}/applications/${pick(apps)}` }),
      () => ({ operation: Op.effectiveUsers, method: 'GET', path: `${base()}/applications/${doomedApp}/effective-users` }),
    ];
    const requests: StormRequest[] = Array.from({ length: 200 }, () => pick(writes)());
    // Three deletes of each doomed row, spread through the storm.
    const deletes: StormRequest[] = [
      { operation: Op.deleteUser, method: 'DELETE', path: `${base()}/users/${doomedUser}` },
      { operation: Op.deleteGroup, method: 'DELETE', path: `${base()}/groups/${doomedGroup}` },
      { operation: Op.deleteApplication, method: 'DELETE', path: `${base()}/applications/${doomedApp}` },
    ];
    for (const [index, request] of [...deletes, ...deletes, ...deletes].entries()) requests.splice(20 + index * 20, 0, request);
    const outcomes = await storm(requests);
    for (const operation of [Op.deleteUser, Op.deleteGroup, Op.deleteApplication]) {
      const seen = statuses(outcomes, operation);
      expect([operation, countOf(seen, 204), countOf(seen, 404)]).toEqual([operation, 1, 2]);
    }
    const leftovers = await t.dataSource.query(
      `SELECT 'user' AS kind FROM user_app_assignments WHERE tenant_id = $1 AND (user_id = $2 OR application_id = $4)
       UNION ALL SELECT 'group' FROM group_app_assignments WHERE tenant_id = $1 AND (group_id = $3 OR application_id = $4)
       UNION ALL SELECT 'member' FROM group_memberships WHERE tenant_id = $1 AND (user_id = $2 OR group_id = $3)`,
      [tenantId, doomedUser, doomedGroup, doomedApp],
    );
    expect(leftovers).toEqual([]);
    await expectConsistent();
  }, 60_000);

  it('membership and user churn while an application is granted through a group of everyone and a dominant group', async () => {
    // A tenant of its own, so that "every user of the tenant" is a small, known set.
    const tenant = await call(baseUrl, 'POST', '/api/v1/tenants', platformAdminToken(), {
      name: 'Churn',
      slug: `churn-${randomUUID().slice(0, 8)}`,
    });
    const churnTenant = tenant.body.data.id as string;
    const churnToken = tokenFor(churnTenant);
    const path = `/api/v1/tenants/${churnTenant}`;
    const post = async (suffix: string, body: unknown) => {
      const answer = await call(baseUrl, 'POST', `${path}${suffix}`, churnToken, body);
      if (answer.status !== 201) throw new Error(`setup: POST ${suffix}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body.data;
    };
    const users: string[] = [];
    for (let index = 0; index < 10; index += 1)
      users.push((await post('/users', { email: `${randomUUID()}@example.com`, display_name: 'Churn' })).id);
    const everyone = (await post('/groups', { name: `everyone-${randomUUID()}` })).id as string;
    const few = (await post('/groups', { name: `few-${randomUUID()}` })).id as string;
    const [wide, narrow] = [
      (await post('/applications', { name: 'wide' })).id as string,
      (await post('/applications', { name: 'narrow' })).id as string,
    ];
    for (const user of users) await post(`/groups/${everyone}/members`, { user_id: user });
    for (const user of users.slice(0, 2)) await post(`/groups/${few}/members`, { user_id: user });
    await post(`/groups/${everyone}/applications`, { application_id: wide });
    await post(`/groups/${few}/applications`, { application_id: wide });
    await post(`/groups/${everyone}/applications`, { application_id: narrow });
    await post(`/users/${users[9]}/applications`, { application_id: narrow });

    const churn: Array<() => StormRequest> = [
      () => ({
        operation: Op.addMember,
        method: 'POST',
        path: `${path}/groups/${pick([everyone, few])}/members`,
        body: { user_id: pick(users) },
      }),
      () => ({
        operation: Op.removeMember,
        method: 'DELETE',
        path: `${path}/groups/${pick([everyone, few])}/members/${pick(users)}`,
      }),
      () => ({
        operation: Op.assignUser,
        method: 'POST',
        path: `${path}/users/${pick(users)}/applications`,
        body: { application_id: pick([wide, narrow]) },
      }),
      () => ({
        operation: Op.unassignUser,
        method: 'DELETE',
        path: `${path}/users/${pick(users)}/applications/${pick([wide, narrow])}`,
      }),
      () => ({
        operation: Op.effectiveUsers,
        method: 'GET',
        path: `${path}/applications/${pick([wide, narrow])}/effective-users?per_page=${pick([1, 5, 100])}`,
      }),
      () => ({
        operation: Op.createUser,
        method: 'POST',
        path: `${path}/users`,
        body: { email: `${randomUUID()}@example.com`, display_name: 'Churn' },
      }),
    ];
    const requests: StormRequest[] = Array.from({ length: 200 }, () => pick(churn)());
    for (const [index, user] of users.slice(6, 9).entries())
      requests.splice(30 + index * 50, 0, { operation: Op.deleteUser, method: 'DELETE', path: `${path}/users/${user}` });
    await storm(requests, churnToken);
    await expectConsistent(churnTenant, churnToken);

    // And with every user in the group again: the "everyone" shape, counted from the maintained totals.
    const everybody: Array<{ id: string }> = await t.dataSource.query(`SELECT id FROM users WHERE tenant_id = $1`, [churnTenant]);
    await storm(
      everybody.map(({ id }) => ({
        operation: Op.addMember,
        method: 'POST' as const,
        path: `${path}/groups/${everyone}/members`,
        body: { user_id: id },
      })),
      churnToken,
    );
    const wideUsers = await call(baseUrl, 'GET', `${path}/applications/${wide}/effective-users?per_page=1`, churnToken);
    expect(wideUsers.body.pagination.total_items).toBe(everybody.length);
    await expectConsistent(churnTenant, churnToken);
  }, 60_000);

  it('large fan-outs rebuilt in the background while assignments and memberships churn: exact at every step', async () => {
    // Every group is "large" here, so each group assignment and unassignment becomes a
    // background rebuild done three users at a time, interleaved with the writes below.
    await t.dataSource.query(`UPDATE effective_access_settings SET inline_fanout_limit = 2, rebuild_batch_rows = 3`);
    try {
      const tenant = await call(baseUrl, 'POST', '/api/v1/tenants', platformAdminToken(), {
        name: 'Fan-out',
        slug: `fanout-${randomUUID().slice(0, 8)}`,
      });
      const fanoutTenant = tenant.body.data.id as string;
      const fanoutToken = tokenFor(fanoutTenant);
      const path = `/api/v1/tenants/${fanoutTenant}`;
      const post = async (suffix: string, body: unknown) => {
        const answer = await call(baseUrl, 'POST', `${path}${suffix}`, fanoutToken, body);
        if (answer.status !== 201) throw new Error(`setup: POST ${suffix}: ${answer.status} ${JSON.stringify(answer.body)}`);
        return answer.body.data;
      };
      const users: string[] = [];
      for (let index = 0; index < 12; index += 1)
        users.push((await post('/users', { email: `${randomUUID()}@example.com`, display_name: 'Fan-out' })).id);
      const groups: string[] = [];
      for (let index = 0; index < 3; index += 1) groups.push((await post('/groups', { name: `fan-${randomUUID()}` })).id);
      const applications: string[] = [];
      for (let index = 0; index < 3; index += 1) applications.push((await post('/applications', { name: `fan-${index}` })).id);
      for (const [index, user] of users.entries()) await post(`/groups/${groups[index % 3]}/members`, { user_id: user });
      for (const user of users.slice(0, 6)) await post(`/groups/${groups[2]}/members`, { user_id: user }).catch(() => undefined);

      const fanout: Array<() => StormRequest> = [
        () => ({
          operation: Op.assignGroup,
          method: 'POST',
          path: `${path}/groups/${pick(groups)}/applications`,
          body: { application_id: pick(applications) },
        }),
        () => ({
          operation: Op.unassignGroup,
          method: 'DELETE',
          path: `${path}/groups/${pick(groups)}/applications/${pick(applications)}`,
        }),
        () => ({
          operation: Op.addMember,
          method: 'POST',
          path: `${path}/groups/${pick(groups)}/members`,
          body: { user_id: pick(users) },
        }),
        () => ({ operation: Op.removeMember, method: 'DELETE', path: `${path}/groups/${pick(groups)}/members/${pick(users)}` }),
        () => ({
          operation: Op.assignUser,
          method: 'POST',
          path: `${path}/users/${pick(users)}/applications`,
          body: { application_id: pick(applications) },
        }),
        () => ({
          operation: Op.unassignUser,
          method: 'DELETE',
          path: `${path}/users/${pick(users)}/applications/${pick(applications)}`,
        }),
        () => ({
          operation: Op.effectiveUsers,
          method: 'GET',
          path: `${path}/applications/${pick(applications)}/effective-users?per_page=${pick([1, 4, 100])}`,
        }),
      ];
      for (let round = 0; round < 3; round += 1) {
        await storm(
          Array.from({ length: 120 }, () => pick(fanout)()),
          fanoutToken,
        );
        // Mid-rebuild: the index is exact up to each cursor, and the API exact everywhere (live plan).
        await expectConsistent(fanoutTenant, fanoutToken);
      }
      const rebuilt = await t.app.get(BackgroundWorker).drain();
      await expectConsistent(fanoutTenant, fanoutToken);
      const pending: Array<{ n: string }> = await t.dataSource.query(
        `SELECT count(*) AS n FROM effective_access_state WHERE tenant_id = $1 AND rebuild_requested_at IS NOT NULL`,
        [fanoutTenant],
      );
      expect([Number(pending[0].n), rebuilt >= 0]).toEqual([0, true]);
    } finally {
      await t.dataSource.query(
        `UPDATE effective_access_settings SET inline_fanout_limit = DEFAULT, rebuild_batch_rows = DEFAULT`,
      );
    }
  }, 120_000);

  it('still answers normally after the storms', async () => {
    const ready = await call(baseUrl, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    const list = await call(baseUrl, 'GET', `${base()}/users?per_page=1`, token);
    expect(list.status).toBe(200);
  });

  /**
   * No duplicates, no orphans, and every total the API reports equals a recount in SQL:
   * effective users (total and each user's direct/via_groups), assignees, a user's
   * applications, a group's applications and members.
   */
  async function expectConsistent(tenant = tenantId, tenantToken = token): Promise<void> {
    const q = (sql: string, parameters: unknown[] = []) => t.dataSource.query(sql, parameters);
    const tenantPath = `/api/v1/tenants/${tenant}`;
    expect(
      await q(`
        SELECT 'user_app_assignments' AS t, count(*) FROM user_app_assignments GROUP BY tenant_id, user_id, application_id HAVING count(*) > 1
        UNION ALL SELECT 'group_app_assignments', count(*) FROM group_app_assignments GROUP BY tenant_id, group_id, application_id HAVING count(*) > 1
        UNION ALL SELECT 'group_memberships', count(*) FROM group_memberships GROUP BY tenant_id, group_id, user_id HAVING count(*) > 1`),
    ).toEqual([]);
    expect(
      await q(`
        SELECT 'user assignment without user or application' AS orphan FROM user_app_assignments a
          LEFT JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id
          LEFT JOIN applications p ON p.tenant_id = a.tenant_id AND p.id = a.application_id
         WHERE u.id IS NULL OR p.id IS NULL
        UNION ALL
        SELECT 'group assignment without group or application' FROM group_app_assignments a
          LEFT JOIN groups g ON g.tenant_id = a.tenant_id AND g.id = a.group_id
          LEFT JOIN applications p ON p.tenant_id = a.tenant_id AND p.id = a.application_id
         WHERE g.id IS NULL OR p.id IS NULL
        UNION ALL
        SELECT 'membership without group or user' FROM group_memberships m
          LEFT JOIN groups g ON g.tenant_id = m.tenant_id AND g.id = m.group_id
          LEFT JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id
         WHERE g.id IS NULL OR u.id IS NULL`),
    ).toEqual([]);

    // Counters the schema maintains, if it has them, against the rows they count.
    const counters: Array<{ table_name: string; column_name: string }> = await q(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name IN ('member_count', 'user_count') AND table_name IN ('groups', 'tenants')`,
    );
    for (const { table_name: table, column_name: column } of counters) {
      const drift =
        table === 'groups'
          ? await q(`SELECT g.id, g.member_count, (SELECT count(*) FROM group_memberships m WHERE m.tenant_id = g.tenant_id AND m.group_id = g.id)::int AS actual
                       FROM groups g WHERE g.member_count <> (SELECT count(*) FROM group_memberships m WHERE m.tenant_id = g.tenant_id AND m.group_id = g.id)`)
          : await q(`SELECT t.id, t.user_count, (SELECT count(*) FROM users u WHERE u.tenant_id = t.id)::int AS actual
                       FROM tenants t WHERE t.user_count <> (SELECT count(*) FROM users u WHERE u.tenant_id = t.id)`);
      expect([`${table}.${column}`, drift]).toEqual([`${table}.${column}`, []]);
    }

    const problems: string[] = [];
    const applications: Array<{ id: string }> = await q(`SELECT id FROM applications WHERE tenant_id = $1`, [tenant]);
    for (const { id } of applications) {
      const expected: Array<{ user_id: string; direct: boolean; via_groups: string[] }> = await q(
        `SELECT u.id AS user_id,
                EXISTS (SELECT 1 FROM user_app_assignments d WHERE d.tenant_id = u.tenant_id AND d.user_id = u.id AND d.application_id = $2) AS direct,
                coalesce((SELECT array_agg(m.group_id::text ORDER BY m.group_id::text)
                            FROM group_memberships m JOIN group_app_assignments g
                              ON g.tenant_id = m.tenant_id AND g.group_id = m.group_id AND g.application_id = $2
                           WHERE m.tenant_id = u.tenant_id AND m.user_id = u.id), '{}') AS via_groups
           FROM users u
          WHERE u.tenant_id = $1
            AND (EXISTS (SELECT 1 FROM user_app_assignments d WHERE d.tenant_id = u.tenant_id AND d.user_id = u.id AND d.application_id = $2)
                 OR EXISTS (SELECT 1 FROM group_memberships m JOIN group_app_assignments g
                              ON g.tenant_id = m.tenant_id AND g.group_id = m.group_id AND g.application_id = $2
                             WHERE m.tenant_id = u.tenant_id AND m.user_id = u.id))`,
        [tenant, id],
      );
      const effective = await call(baseUrl, 'GET', `${tenantPath}/applications/${id}/effective-users?per_page=100`, tenantToken);
      if (effective.status !== 200) {
        problems.push(`effective-users of ${id}: ${effective.status}`);
        continue;
      }
      if (effective.body.pagination.total_items !== expected.length) {
        problems.push(`effective-users of ${id}: total ${effective.body.pagination.total_items}, SQL recount ${expected.length}`);
      }
      const served = Object.fromEntries(
        (effective.body.data as Array<{ user_id: string; direct: boolean; via_groups: string[] }>).map((row) => [
          row.user_id,
          { direct: row.direct, via_groups: row.via_groups },
        ]),
      );
      const recounted = Object.fromEntries(
        expected.map((row) => [row.user_id, { direct: row.direct, via_groups: [...row.via_groups].sort() }]),
      );
      if (JSON.stringify(sortKeys(served)) !== JSON.stringify(sortKeys(recounted)))
        problems.push(`effective-users of ${id}: rows differ from SQL`);

      const assignees = await call(baseUrl, 'GET', `${tenantPath}/applications/${id}/assignees`, tenantToken);
      const [direct, viaGroup]: Array<Array<{ id: string }>> = await Promise.all([
        q(`SELECT user_id::text AS id FROM user_app_assignments WHERE tenant_id = $1 AND application_id = $2`, [tenant, id]),
        q(`SELECT group_id::text AS id FROM group_app_assignments WHERE tenant_id = $1 AND application_id = $2`, [tenant, id]),
      ]);
      const data = assignees.body.data;
      if (
        data.total_users !== direct.length ||
        data.total_groups !== viaGroup.length ||
        JSON.stringify([...data.users].sort()) !== JSON.stringify(direct.map((row) => row.id).sort()) ||
        JSON.stringify([...data.groups].sort()) !== JSON.stringify(viaGroup.map((row) => row.id).sort())
      ) {
        problems.push(`assignees of ${id}: ${JSON.stringify(data)} vs SQL ${direct.length} users, ${viaGroup.length} groups`);
      }
    }

    const users: Array<{ id: string; apps: string }> = await q(
      `SELECT u.id, (SELECT count(*) FROM (
                SELECT application_id FROM user_app_assignments d WHERE d.tenant_id = u.tenant_id AND d.user_id = u.id
                UNION
                SELECT g.application_id FROM group_memberships m JOIN group_app_assignments g ON g.tenant_id = m.tenant_id AND g.group_id = m.group_id
                 WHERE m.tenant_id = u.tenant_id AND m.user_id = u.id) x) AS apps
         FROM users u WHERE u.tenant_id = $1`,
      [tenant],
    );
    for (const user of users) {
      const answer = await call(baseUrl, 'GET', `${tenantPath}/users/${user.id}/applications`, tenantToken);
      const ids = (answer.body.data.applications as Array<{ application_id: string }>).map((row) => row.application_id);
      if (answer.body.data.total_count !== Number(user.apps) || new Set(ids).size !== ids.length) {
        problems.push(
          `applications of user ${user.id}: total_count ${answer.body.data.total_count}, SQL ${user.apps}, ids ${ids.length} (${new Set(ids).size} distinct)`,
        );
      }
    }

    const groups: Array<{ id: string; members: string; apps: string }> = await q(
      `SELECT g.id,
              (SELECT count(*) FROM group_memberships m WHERE m.tenant_id = g.tenant_id AND m.group_id = g.id) AS members,
              (SELECT count(*) FROM group_app_assignments a WHERE a.tenant_id = g.tenant_id AND a.group_id = g.id) AS apps
         FROM groups g WHERE g.tenant_id = $1`,
      [tenant],
    );
    for (const group of groups) {
      const [members, apps] = await Promise.all([
        call(baseUrl, 'GET', `${tenantPath}/groups/${group.id}/members?per_page=100`, tenantToken),
        call(baseUrl, 'GET', `${tenantPath}/groups/${group.id}/applications`, tenantToken),
      ]);
      if (members.body.pagination.total_items !== Number(group.members) || apps.body.data.length !== Number(group.apps)) {
        problems.push(
          `group ${group.id}: ${members.body.pagination.total_items} members / ${apps.body.data.length} apps, SQL ${group.members} / ${group.apps}`,
        );
      }
    }
    // The effective-access index against a recount from the source tables (an application being
    // rebuilt: up to its cursor), and its maintained counts against its rows.
    const check = t.app.get(EffectiveAccessCheckRepository);
    for (const indexed of await check.applications(tenant)) {
      if (!(indexed.rebuilding && indexed.rebuildCursor === null)) {
        const differences = await check.differences(
          tenant,
          indexed.applicationId,
          null,
          indexed.rebuilding ? indexed.rebuildCursor : null,
        );
        if (differences.length > 0)
          problems.push(`index of ${indexed.applicationId}: ${JSON.stringify(differences.slice(0, 3))}`);
      }
      if (!indexed.rebuilding && indexed.userCount !== indexed.rows) {
        problems.push(`index of ${indexed.applicationId}: user_count ${indexed.userCount}, rows ${indexed.rows}`);
      }
    }
    expect(problems).toEqual([]);
  }
});

function sortKeys(record: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}
