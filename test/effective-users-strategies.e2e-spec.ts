import { BackgroundWorker } from '../src/background/background-worker';
import { createApplication, createGroup, createTenant, TenantFixture } from './support/fixtures';
import { type IsolatedApp, startIsolatedApp } from './support/isolated-app';
import { bearer } from './support/test-app';

interface Row {
  user_id: string;
  email: string;
  direct: boolean;
  via_groups: string[];
}

/**
 * Each way of counting and paging effective users against a brute-force answer computed
 * here, page by page: from the effective-access index, and with the application marked as
 * being rebuilt, by each strategy of the live plan (src/assignments/effective-users.plan.ts).
 */
describe('Effective users: every counting and paging strategy gives the same answer', () => {
  let t: IsolatedApp;
  let tenant: TenantFixture;
  let users: Array<{ id: string; email: string }>;

  beforeAll(async () => {
    // No background worker: this suite decides when an application is being rebuilt.
    t = await startIsolatedApp('strategies', { BACKGROUND_WORKERS: 'false' });
    tenant = await createTenant(t);
    const rows: Array<{ id: string; email: string }> = await t.dataSource.query(
      `INSERT INTO users (tenant_id, email, display_name)
       SELECT $1::uuid, 'member' || lpad(n::text, 3, '0') || '@example.com', 'Member ' || n FROM generate_series(1, 60) AS n
       RETURNING id::text AS id, email`,
      [tenant.id],
    );
    users = rows.sort((a, b) => (a.email < b.email ? -1 : 1));
  });

  afterAll(async () => {
    await t.close();
  });

  async function withMembers(indexes: number[]): Promise<string> {
    const group = await createGroup(t, tenant);
    for (const index of indexes) {
      await t.dataSource.query('INSERT INTO group_memberships (tenant_id, group_id, user_id) VALUES ($1, $2, $3)', [
        tenant.id,
        group,
        users[index].id,
      ]);
    }
    return group;
  }

  async function assign(app: string, groups: string[], direct: number[]): Promise<void> {
    for (const group of groups) {
      await t.http
        .post(`/api/v1/tenants/${tenant.id}/groups/${group}/applications`)
        .set(bearer(tenant.token))
        .send({ application_id: app })
        .expect(201);
    }
    for (const index of direct) {
      await t.http
        .post(`/api/v1/tenants/${tenant.id}/users/${users[index].id}/applications`)
        .set(bearer(tenant.token))
        .send({ application_id: app })
        .expect(201);
    }
  }

  function expected(groups: Array<{ id: string; members: number[] }>, direct: number[]): Row[] {
    return users.flatMap((user, index) => {
      const via = groups
        .filter((group) => group.members.includes(index))
        .map((group) => group.id)
        .sort();
      const isDirect = direct.includes(index);
      return isDirect || via.length > 0 ? [{ user_id: user.id, email: user.email, direct: isDirect, via_groups: via }] : [];
    });
  }

  /** Every page from the index, then every page by the live plan: both must say the same. */
  async function readAll(app: string, perPage: number): Promise<{ rows: Row[]; totals: number[] }> {
    const fromIndex = await readPages(app, perPage);
    await t.dataSource.query(
      `UPDATE effective_access_state SET rebuild_requested_at = now(), rebuild_cursor = NULL WHERE tenant_id = $1 AND application_id = $2`,
      [tenant.id, app],
    );
    const live = await readPages(app, perPage);
    expect(await t.app.get(BackgroundWorker).drain()).toBeGreaterThan(0);
    expect(live).toEqual(fromIndex);
    return fromIndex;
  }

  async function readPages(app: string, perPage: number): Promise<{ rows: Row[]; totals: number[] }> {
    const rows: Row[] = [];
    const totals: number[] = [];
    for (let page = 1; ; page += 1) {
      const response = await t.http
        .get(`/api/v1/tenants/${tenant.id}/applications/${app}/effective-users?page=${page}&per_page=${perPage}`)
        .set(bearer(tenant.token))
        .expect(200);
      totals.push(response.body.pagination.total_items);
      if (response.body.data.length === 0) break;
      rows.push(
        ...response.body.data.map(({ user_id, email, direct, via_groups }: Row) => ({ user_id, email, direct, via_groups })),
      );
    }
    return { rows, totals };
  }

  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => from + index);

  it('a group holding every user: pages of the tenant users', async () => {
    const everyone = range(0, 60);
    const all = await withMembers(everyone);
    const small = await withMembers([2, 5, 9]);
    const app = await createApplication(t, tenant);
    await assign(app, [all, small], [5, 40]);
    const { rows, totals } = await readAll(app, 7);
    expect(rows).toEqual(
      expected(
        [
          { id: all, members: everyone },
          { id: small, members: [2, 5, 9] },
        ],
        [5, 40],
      ),
    );
    expect(new Set(totals)).toEqual(new Set([60]));
  });

  it('one dominant group: counted beside it, with overlapping smaller sources', async () => {
    const bigMembers = range(0, 45);
    const big = await withMembers(bigMembers);
    const small = await withMembers([1, 44, 50, 51]);
    const app = await createApplication(t, tenant);
    await assign(app, [big, small], [2, 55]);
    const want = expected(
      [
        { id: big, members: bigMembers },
        { id: small, members: [1, 44, 50, 51] },
      ],
      [2, 55],
    );
    const { rows, totals } = await readAll(app, 6);
    expect(rows).toEqual(want);
    expect(new Set(totals)).toEqual(new Set([want.length]));
    expect(want.length).toBe(45 + 2 + 1);
  });

  it('a few direct users: collected and sorted', async () => {
    const app = await createApplication(t, tenant);
    await assign(app, [], [59, 0, 30]);
    const { rows, totals } = await readAll(app, 2);
    expect(rows).toEqual(expected([], [59, 0, 30]));
    expect(new Set(totals)).toEqual(new Set([3]));
  });

  it('several comparable groups: deduplicated, and walked or collected by page depth', async () => {
    const a = range(0, 30);
    const b = range(20, 50);
    const [ga, gb] = [await withMembers(a), await withMembers(b)];
    const app = await createApplication(t, tenant);
    await assign(app, [ga, gb], [58]);
    const want = expected(
      [
        { id: ga, members: a },
        { id: gb, members: b },
      ],
      [58],
    );
    for (const perPage of [1, 5, 50]) {
      const { rows, totals } = await readAll(app, perPage);
      expect(rows).toEqual(want);
      expect(new Set(totals)).toEqual(new Set([51]));
    }
  });
});
