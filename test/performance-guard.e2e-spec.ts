import { Client } from 'pg';
import {
  EFFECTIVE_ACCESS_STATE_SQL,
  EFFECTIVE_USERS_PAGE_FROM_INDEX_END_SQL,
  EFFECTIVE_USERS_PAGE_FROM_INDEX_SQL,
} from '../src/access/effective-access.sql';
import { ACCESS_CHECK_BATCH_SQL, ACCESS_CHECK_SQL } from '../src/access-checks/access-checks.sql';
import {
  ASSIGNEES_SQL,
  EFFECTIVE_USERS_BESIDE_LARGEST_GROUP_SQL,
  EFFECTIVE_USERS_COUNT_BY_UNION_SQL,
  EFFECTIVE_USERS_PAGE_BY_COLLECTING_SQL,
  EFFECTIVE_USERS_PAGE_BY_WALKING_SQL,
  EFFECTIVE_USERS_PAGE_OF_ALL_USERS_SQL,
  EFFECTIVE_USERS_SOURCES_SQL,
  GROUP_APPLICATIONS_SQL,
  USER_APPLICATIONS_SQL,
} from '../src/assignments/assignments.sql';
import { BenchTenant, CheckPair, loadBenchTenant, loadCheckPairs } from './bench/bench-tenant';
import { seedBenchTenant } from './bench/seed-tenant';
import { bearer, startTestApp, TestApp, tokenFor } from './support/test-app';

const USERS = 10_000;
/** A sequential scan of a table this large (in rows) is a regression; of a smaller one, the planner's right. */
const LARGE_TABLE_ROWS = 5_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function sequentialScans(node: PlanNode): string[] {
  const own = node['Node Type'] === 'Seq Scan' && node['Relation Name'] ? [node['Relation Name']] : [];
  return [...own, ...(node.Plans ?? []).flatMap(sequentialScans)];
}

/**
 * The CI guard of the benchmark (npm run bench): on a 10,000-user synthetic tenant, every App
 * Assignments read keeps index-backed plans and a fixed number of statements. No timing
 * is asserted: absolute speed is the benchmark's business (npm run bench).
 */
describe('Performance guard: plans and statement counts of the App Assignments reads and the access checks', () => {
  let t: TestApp;
  let client: Client;
  let bench: BenchTenant;
  /** 100 pairs: direct, through a group, not granted. */
  let pairs: CheckPair[];

  beforeAll(async () => {
    client = new Client({ connectionString: process.env.TEST_DATABASE_URL, options: '-c jit=off' });
    await client.connect();
    await seedBenchTenant(client, USERS);
    bench = await loadBenchTenant(client, USERS);
    pairs = await loadCheckPairs(client, bench.tenantId, 100);
    // No background worker: its polls would be counted among the statements of the requests.
    t = await startTestApp({ BACKGROUND_WORKERS: 'false' });
  }, 120_000);

  afterAll(async () => {
    await t.close();
    await client.end();
  });

  const statements = (): Array<[string, string, unknown[]]> => [
    ['user applications', USER_APPLICATIONS_SQL, [bench.tenantId, bench.userId, true]],
    ['group applications', GROUP_APPLICATIONS_SQL, [bench.tenantId, bench.groupId]],
    ['assignees', ASSIGNEES_SQL, [bench.tenantId, bench.ordinaryAppId]],
    ['effective users sources', EFFECTIVE_USERS_SOURCES_SQL, [bench.tenantId, bench.denseAppId]],
    ['effective users count by union', EFFECTIVE_USERS_COUNT_BY_UNION_SQL, [bench.tenantId, bench.ordinaryAppId]],
    [
      'effective users beside the largest group',
      EFFECTIVE_USERS_BESIDE_LARGEST_GROUP_SQL,
      [bench.tenantId, bench.denseAppId, bench.allEmployeesGroupId],
    ],
    [
      'effective users page of all users (deep)',
      EFFECTIVE_USERS_PAGE_OF_ALL_USERS_SQL,
      [bench.tenantId, bench.denseAppId, 20, USERS / 2],
    ],
    ['effective users page by walking', EFFECTIVE_USERS_PAGE_BY_WALKING_SQL, [bench.tenantId, bench.ordinaryAppId, 20, 0]],
    ['effective users page by collecting', EFFECTIVE_USERS_PAGE_BY_COLLECTING_SQL, [bench.tenantId, bench.sparseAppId, 20, 0]],
    ['effective-access state', EFFECTIVE_ACCESS_STATE_SQL, [bench.tenantId, bench.denseAppId]],
    ...pairs.slice(0, 3).flatMap((pair): Array<[string, string, unknown[]]> => [
      [`access check by id (${pair.how})`, ACCESS_CHECK_SQL, [bench.tenantId, pair.userId, pair.applicationId, null]],
      [`access check by client id (${pair.how})`, ACCESS_CHECK_SQL, [bench.tenantId, pair.userId, null, pair.clientId]],
    ]),
    [
      'access check, the dense application through All Employees',
      ACCESS_CHECK_SQL,
      [bench.tenantId, bench.userId, bench.denseAppId, null],
    ],
    [
      'access check batch of 100',
      ACCESS_CHECK_BATCH_SQL,
      [
        bench.tenantId,
        pairs.map((pair) => pair.userId),
        pairs.map((pair, index) => (index % 2 === 0 ? pair.applicationId : null)),
        pairs.map((pair, index) => (index % 2 === 0 ? null : pair.clientId)),
      ],
    ],
    ...bench.shapes.flatMap((shape): Array<[string, string, unknown[]]> => [
      [`index page 1, ${shape.key}`, EFFECTIVE_USERS_PAGE_FROM_INDEX_SQL, [bench.tenantId, shape.applicationId, 20, 0]],
      [
        `index middle page from the start, ${shape.key}`,
        EFFECTIVE_USERS_PAGE_FROM_INDEX_SQL,
        [bench.tenantId, shape.applicationId, 20, 2_000],
      ],
      [
        `index last page from the end, ${shape.key}`,
        EFFECTIVE_USERS_PAGE_FROM_INDEX_END_SQL,
        [bench.tenantId, shape.applicationId, 20, 0],
      ],
    ]),
  ];

  it('never scans a large table sequentially', async () => {
    const sizes = await client.query<{ relname: string }>(
      `SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND reltuples > $1`,
      [LARGE_TABLE_ROWS],
    );
    const largeTables = sizes.rows.map((row) => row.relname);
    expect(largeTables).toEqual(expect.arrayContaining(['users', 'group_memberships', 'user_app_assignments']));
    const offenders: string[] = [];
    for (const [label, sql, parameters] of statements()) {
      const [{ 'QUERY PLAN': plan }] = (await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, parameters)).rows as Array<{
        'QUERY PLAN': Array<{ Plan: PlanNode }>;
      }>;
      const scans = sequentialScans(plan[0].Plan).filter((table) => largeTables.includes(table));
      if (scans.length > 0) offenders.push(`${label}: Seq Scan on ${scans.join(', ')}`);
    }
    expect(offenders).toEqual([]);
  });

  it('answers each read with a fixed number of statements', async () => {
    const token = bearer(tokenFor(bench.tenantId));
    const base = `/api/v1/tenants/${bench.tenantId}`;
    const reads: Array<[string, string, number]> = [
      ['user applications', `${base}/users/${bench.userId}/applications`, 1],
      ['group applications', `${base}/groups/${bench.groupId}/applications`, 1],
      ['assignees', `${base}/applications/${bench.ordinaryAppId}/assignees`, 1],
      // From the index: its state (the count), then the page.
      ['effective users, dense, page 1', `${base}/applications/${bench.denseAppId}/effective-users`, 2],
      ['effective users, dense, deep page', `${base}/applications/${bench.denseAppId}/effective-users?page=250&per_page=20`, 2],
      ['effective users, dense, last page', `${base}/applications/${bench.denseAppId}/effective-users?page=500&per_page=20`, 2],
      ['effective users, sparse', `${base}/applications/${bench.sparseAppId}/effective-users`, 2],
      ['effective users, ordinary', `${base}/applications/${bench.ordinaryAppId}/effective-users`, 2],
      // A page past the end needs no page statement.
      ['effective users, past the end', `${base}/applications/${bench.sparseAppId}/effective-users?page=99`, 1],
    ];
    const batch = {
      checks: pairs.map((pair, index) =>
        index % 2 === 0
          ? { user_id: pair.userId, application_id: pair.applicationId }
          : { user_id: pair.userId, client_id: pair.clientId },
      ),
    };
    const checks: Array<[string, () => Promise<unknown>, number]> = [
      ...pairs
        .slice(0, 3)
        .map((pair): [string, () => Promise<unknown>, number] => [
          `access check (${pair.how})`,
          () => t.http.get(`${base}/access-check?user_id=${pair.userId}&client_id=${pair.clientId}`).set(token).expect(200),
          1,
        ]),
      [
        'access check, unknown application',
        () => t.http.get(`${base}/access-check?user_id=${bench.userId}&client_id=app_x`).set(token).expect(404),
        1,
      ],
      ['access check batch of 100', () => t.http.post(`${base}/access-checks`).set(token).send(batch).expect(200), 1],
    ];
    const query = jest.spyOn(Client.prototype, 'query');
    const counts: Record<string, number> = {};
    const sent = () =>
      // Statements the app sent, not the pool's own connection chatter.
      query.mock.calls.filter(([text]) => typeof text === 'string' && !/^(SET|SHOW|BEGIN|COMMIT)/i.test(text)).length;
    try {
      for (const [label, request] of checks) {
        query.mockClear();
        await request();
        counts[label] = sent();
      }
      for (const [label, path] of reads) {
        query.mockClear();
        await t.http.get(path).set(token).expect(200);
        // Statements the app sent, not the pool's own connection chatter.
        counts[label] = query.mock.calls.filter(
          ([text]) => typeof text === 'string' && !/^(SET|SHOW|BEGIN|COMMIT)/i.test(text),
        ).length;
      }
    } finally {
      query.mockRestore();
    }
    expect(counts).toEqual(Object.fromEntries([...checks, ...reads].map(([label, , expected]) => [label, expected])));
  });
});
