import { Client } from 'pg';
import { benchTenantSlug } from './bench-database';

/**
 * The synthetic tenant of the benchmark (issue 6): about 1 group per 50 users, each user in
 * about 3 groups, 500 applications, each group assigned 5 applications, each user 2 direct
 * applications, an "All Employees" group holding every user and assigned the "All
 * Employees Portal", and a "Sparse App" reached by only 100 users (direct assignments).
 *
 * Beside them, the shapes "who can use this application" takes in real tenants (SHAPES),
 * each its own application reached through its own groups (shapeGroups) and direct
 * assignments (SHAPE_DIRECT), scaled with the number of users N. User n is
 * user<n, 7 digits>@bench.example (n = 1..N), so n order is email order. The shapes leave
 * out the users with n % 10 = 0, the middle user the reads use among them, so that user's
 * applications stay as they were, but for the half-and-half shape, which reaches everyone.
 * The ordinary groups and applications are unchanged.
 */

export const BENCH_APPLICATIONS = 500;
const APPLICATIONS = BENCH_APPLICATIONS;
const DENSE_APP = 0;
const SPARSE_APP = 1;
const SPARSE_USERS = 100;
const CHUNK = 100_000;

/** The applications effective users are measured on, one per shape; `users` is who can use it (N users). */
export const SHAPES = [
  { key: 'everyone', label: 'everyone', application: 'All Employees Portal', users: 'N, through All Employees' },
  {
    key: 'large-overlapping',
    label: 'large overlapping groups',
    application: 'Shape: Large Overlapping Groups',
    users: '80% N: Region A (40%), Region B (40%), Contractors (20%), 20% N in two of them',
  },
  {
    key: 'many-mid-size',
    label: '60 mid-size groups',
    application: 'Shape: Many Mid-size Groups',
    users: '50% N: Team 01..60, about 1% N each, 10% N in two of them',
  },
  {
    key: 'direct-heavy',
    label: 'direct-heavy',
    application: 'Shape: Direct Heavy',
    users: '4.25% N: 4% N direct, Field Office (0.5% N, half of them also direct)',
  },
  { key: 'sparse', label: 'sparse', application: 'Sparse App', users: '100 users, direct' },
  {
    key: 'direct-and-groups',
    label: 'direct + groups overlapping',
    application: 'Shape: Direct and Groups Overlapping',
    users: '35% N: 20% N direct, Mixed Team 1 and 2 (20% N each, 30% N together), 15% N both ways',
  },
  { key: 'empty', label: 'empty', application: 'Shape: Empty', users: 'nobody: no assignment' },
  {
    key: 'half-group-half-direct',
    label: 'half group, half direct',
    application: 'Shape: Half Group Half Direct',
    users: 'N: Odd Users (odd n, 50% N) and every even n directly',
  },
  {
    key: 'last-by-email',
    label: 'last 1% by email',
    application: 'Shape: Last Hired Only',
    users: '1% N: Last Hired, the users last in email order',
  },
  {
    key: 'ordinary',
    label: 'ordinary (App 007)',
    application: 'App 007',
    users: 'about 0.4% N direct, and about N/5,000 ordinary groups of about 150 members',
  },
] as const;

export type ShapeKey = (typeof SHAPES)[number]['key'];

/** The shapes' own applications; the other shapes reuse the All Employees Portal, the Sparse App and App 007. */
export const SHAPE_ONLY_APPLICATIONS: string[] = SHAPES.map((shape) => shape.application).filter((name) =>
  name.startsWith('Shape: '),
);

/** Assigned 20 ordinary applications (App 100..App 119): the write scenario adds and removes one member. */
export const TWENTY_APPS_TEAM = 'Twenty Apps Team';
/** 40% of N (the members of Region A, again), assigned nothing: the write scenario assigns it an application. */
export const REGION_LARGE = 'Region Large';
const TWENTY_APPS_FIRST = 100;
const TWENTY_APPS = 20;

/**
 * The shape groups. `member` is SQL on the user's number u.n: the group's key when user n
 * is a member, else NULL. `application` is the shape the group is assigned to.
 */
function shapeGroups(users: number): Array<{ key: string; name: string; member?: string; application?: ShapeKey }> {
  // At least 20 members, 0.1% of N from 20,000 users on.
  const twentyAppsStep = Math.max(1, Math.min(1000, Math.floor(users / 20)));
  const lastHired = Math.max(1, Math.ceil(users / 100));
  const when = (condition: string, key: string) => `CASE WHEN ${condition} THEN '${key}' END`;
  return [
    // 1..4, 4..7 and 7..8 of n % 10: 80% of N, the users with n % 10 of 4 or 7 in two groups.
    { key: 'region-a', name: 'Region A', member: when('u.n % 10 BETWEEN 1 AND 4', 'region-a'), application: 'large-overlapping' },
    { key: 'region-b', name: 'Region B', member: when('u.n % 10 BETWEEN 4 AND 7', 'region-b'), application: 'large-overlapping' },
    {
      key: 'contractors',
      name: 'Contractors',
      member: when('u.n % 10 IN (7, 8)', 'contractors'),
      application: 'large-overlapping',
    },
    { key: 'region-large', name: REGION_LARGE, member: when('u.n % 10 BETWEEN 1 AND 4', 'region-large') },
    // Team k: the users with n % 10 in (1, 2, 3) and (n / 10) % 60 = k, and those with n % 10 in
    // (3, 5, 7) and (7 (n / 10) + 13) % 60 = k (never the same team: 6 (n / 10) + 13 is odd).
    // 1% of N each, 50% of N in all, those with n % 10 = 3 in two teams.
    ...Array.from({ length: 60 }, (_, k) => ({
      key: `team-${k}`,
      name: `Team ${String(k + 1).padStart(2, '0')}`,
      // No `member`: both picks are in shapeMembershipKeys, once for all teams.
      application: 'many-mid-size' as const,
    })),
    // 0.5% of N; n % 400 = 134 also have the application directly (n % 25 = 9), n % 400 = 17 do not.
    {
      key: 'field-office',
      name: 'Field Office',
      member: when('u.n % 400 IN (17, 134)', 'field-office'),
      application: 'direct-heavy',
    },
    // 20% of N each, 30% of N together.
    {
      key: 'mixed-1',
      name: 'Mixed Team 1',
      member: when('u.n % 20 IN (1, 2, 11, 12)', 'mixed-1'),
      application: 'direct-and-groups',
    },
    {
      key: 'mixed-2',
      name: 'Mixed Team 2',
      member: when('u.n % 20 IN (2, 3, 12, 13)', 'mixed-2'),
      application: 'direct-and-groups',
    },
    { key: 'odd-users', name: 'Odd Users', member: when('u.n % 2 = 1', 'odd-users'), application: 'half-group-half-direct' },
    {
      key: 'last-hired',
      name: 'Last Hired',
      member: when(`u.n > ${users - lastHired}`, 'last-hired'),
      application: 'last-by-email',
    },
    {
      key: 'twenty-apps-team',
      name: TWENTY_APPS_TEAM,
      member: when(`u.n % ${twentyAppsStep} = ${7 % twentyAppsStep}`, 'twenty-apps-team'),
    },
  ];
}

/** The memberships of user n in the shape groups: the keys of its groups, NULLs elided by the join. */
function shapeMembershipKeys(users: number): string {
  const picks = shapeGroups(users).flatMap((group) => (group.member ? [group.member] : []));
  picks.push(
    `CASE WHEN u.n % 10 IN (1, 2, 3) THEN 'team-' || ((u.n / 10) % 60) END`,
    `CASE WHEN u.n % 10 IN (3, 5, 7) THEN 'team-' || ((7 * (u.n / 10) + 13) % 60) END`,
  );
  return picks.join(',\n ');
}

/** The shape applications user u.n has directly: SQL yielding the shape's key or NULL. */
const SHAPE_DIRECT = [
  // 4% of N.
  `CASE WHEN u.n % 25 = 9 THEN 'direct-heavy' END`,
  // 20% of N; n % 20 in (1, 3, 11) are also in Mixed Team 1 or 2, n % 20 = 14 in neither.
  `CASE WHEN u.n % 20 IN (1, 3, 11, 14) THEN 'direct-and-groups' END`,
  // The even half; the odd one is in Odd Users.
  `CASE WHEN u.n % 2 = 0 THEN 'half-group-half-direct' END`,
].join(',\n ');

/** How many groups the seed creates for `users` users. */
export function benchGroupCount(users: number): number {
  return Math.max(1, Math.round(users / 50)) + 1 + shapeGroups(users).length;
}

/** Every tenant-scoped table the seed fills, children first. */
const SEEDED_TABLES = [
  'effective_access',
  'effective_access_count_deltas',
  'effective_access_state',
  'group_memberships',
  'user_app_assignments',
  'group_app_assignments',
  'deletions',
  'users',
  'groups',
  'applications',
];

/** The progress of a seeding run; the CLI shows a bar, tests pass nothing. */
export interface SeedProgress {
  start(total: number, step: string): void;
  increment(step: string): void;
  stop(): void;
}

const SILENT: SeedProgress = { start: () => undefined, increment: () => undefined, stop: () => undefined };

/**
 * Builds (or rebuilds) the tenant `bench-<users>` with set-based SQL. Needs a superuser
 * connection: it skips foreign-key triggers while inserting (rows are consistent by
 * construction) and sets the maintained counters itself.
 */
export async function seedBenchTenant(client: Client, users: number, progress: SeedProgress = SILENT): Promise<string> {
  const groups = Math.max(1, Math.round(users / 50));
  const chunks = Math.ceil(users / CHUNK);
  const bar = progress;
  bar.start(
    4 + chunks * 5 + Math.ceil((BENCH_APPLICATIONS + SHAPE_ONLY_APPLICATIONS.length) / 25),
    'removing the previous bench tenant',
  );
  const slug = benchTenantSlug(users);

  // The previous tenant's rows, a table at a time with the triggers off: deleting the tenant
  // row alone would cascade to every user one statement at a time, each firing the
  // effective-access triggers.
  await client.query(`SET session_replication_role = replica`);
  for (const table of SEEDED_TABLES) {
    await client.query(`DELETE FROM ${table} WHERE tenant_id IN (SELECT id FROM tenants WHERE slug = $1)`, [slug]);
  }
  await client.query('DELETE FROM tenants WHERE slug = $1', [slug]);
  await client.query(`RESET session_replication_role`);
  bar.increment('tenant, groups, applications');
  const { rows } = await client.query<{ id: string; created_at: Date }>(
    `INSERT INTO tenants (name, slug) VALUES ($1, $2) RETURNING id, created_at`,
    [`Benchmark ${users}`, slug],
  );
  const tenant = rows[0].id;
  // The shape groups' memberships are dated the tenant's creation, before the groups: the
  // benchmark removes from Twenty Apps Team every member added after the group was created.
  const seededAt = rows[0].created_at;
  // Rows are consistent by construction; skipping the foreign-key triggers makes 1M users seed in minutes.
  await client.query(`SET session_replication_role = replica`);
  await client.query(
    `CREATE TEMP TABLE seed_groups AS SELECT n, gen_random_uuid() AS id FROM generate_series(0, $1::int - 1) AS n`,
    [groups],
  );
  await client.query(
    `CREATE TEMP TABLE seed_apps AS SELECT n, gen_random_uuid() AS id FROM generate_series(0, $1::int - 1) AS n`,
    [APPLICATIONS],
  );
  await client.query(
    `INSERT INTO groups (tenant_id, id, name, description)
     SELECT $1, id, 'Group ' || lpad(n::text, 6, '0'), 'Synthetic group' FROM seed_groups`,
    [tenant],
  );
  const allEmployees = (
    await client.query<{ id: string }>(`INSERT INTO groups (tenant_id, name) VALUES ($1, 'All Employees') RETURNING id`, [tenant])
  ).rows[0].id;
  await client.query(
    `INSERT INTO applications (tenant_id, id, name, client_id)
     SELECT $1, id,
            CASE n WHEN ${DENSE_APP} THEN 'All Employees Portal' WHEN ${SPARSE_APP} THEN 'Sparse App' ELSE 'App ' || lpad(n::text, 3, '0') END,
            'app_bench_' || replace(id::text, '-', '')
       FROM seed_apps`,
    [tenant],
  );
  // Each group: 5 of the ordinary applications (2..499).
  await client.query(
    `INSERT INTO group_app_assignments (tenant_id, group_id, application_id, assigned_by, assigned_at)
     SELECT $1, g.id, a.id, 'bench-seed', now() - (g.n || ' minutes')::interval
       FROM seed_groups g
       CROSS JOIN generate_series(0, 4) AS k
       JOIN seed_apps a ON a.n = 2 + ((g.n * 5 + k) % ${APPLICATIONS - 2})
     ON CONFLICT DO NOTHING`,
    [tenant],
  );
  await client.query(
    `INSERT INTO group_app_assignments (tenant_id, group_id, application_id, assigned_by)
     SELECT $1, $2, id, 'bench-seed' FROM seed_apps WHERE n = ${DENSE_APP}`,
    [tenant, allEmployees],
  );
  await seedShapeGroupsAndApplications(client, tenant, users);
  bar.increment('users');

  for (let from = 1; from <= users; from += CHUNK) {
    const to = Math.min(users, from + CHUNK - 1);
    await client.query(
      `INSERT INTO users (tenant_id, email, display_name, created_at, updated_at)
       SELECT $1, 'user' || lpad(n::text, 7, '0') || '@bench.example', 'User ' || n, now(), now()
         FROM generate_series($2::int, $3::int) AS n`,
      [tenant, from, to],
    );
    bar.increment(`users ${to}/${users}`);
  }
  await client.query(
    `CREATE TEMP TABLE seed_users AS
     SELECT id, substring(email from 5 for 7)::int AS n FROM users WHERE tenant_id = $1`,
    [tenant],
  );
  await client.query(`CREATE INDEX ON seed_users (n)`);

  for (let from = 1; from <= users; from += CHUNK) {
    const to = Math.min(users, from + CHUNK - 1);
    // About 3 groups per user, plus All Employees.
    await client.query(
      `INSERT INTO group_memberships (tenant_id, group_id, user_id)
       SELECT $1, g.id, u.id
         FROM seed_users u
         CROSS JOIN LATERAL (VALUES (u.n % $4::int), ((u.n * 7 + 3) % $4::int), ((u.n * 13 + 11) % $4::int)) AS pick(n)
         JOIN seed_groups g ON g.n = pick.n
        WHERE u.n BETWEEN $2 AND $3
       ON CONFLICT DO NOTHING`,
      [tenant, from, to, groups],
    );
    await client.query(
      `INSERT INTO group_memberships (tenant_id, group_id, user_id)
       SELECT $1, $4, u.id FROM seed_users u WHERE u.n BETWEEN $2 AND $3`,
      [tenant, from, to, allEmployees],
    );
    bar.increment(`memberships ${to}/${users}`);
    // Two direct applications per user among the ordinary ones.
    await client.query(
      `INSERT INTO user_app_assignments (tenant_id, user_id, application_id, assigned_by, assigned_at)
       SELECT $1, u.id, a.id, 'bench-seed', now() - (u.n || ' seconds')::interval
         FROM seed_users u
         CROSS JOIN LATERAL (VALUES (2 + (u.n * 31) % ${APPLICATIONS - 2}), (2 + (u.n * 17 + 7) % ${APPLICATIONS - 2})) AS pick(n)
         JOIN seed_apps a ON a.n = pick.n
        WHERE u.n BETWEEN $2 AND $3
       ON CONFLICT DO NOTHING`,
      [tenant, from, to],
    );
    bar.increment(`direct assignments ${to}/${users}`);
    await client.query(
      `INSERT INTO group_memberships (tenant_id, group_id, user_id, added_at)
       SELECT $1, g.id, u.id, $4
         FROM seed_users u
         CROSS JOIN LATERAL unnest(ARRAY[${shapeMembershipKeys(users)}]) AS pick(key)
         JOIN seed_shape_groups g ON g.key = pick.key
        WHERE u.n BETWEEN $2 AND $3`,
      [tenant, from, to, seededAt],
    );
    bar.increment(`shape memberships ${to}/${users}`);
    await client.query(
      `INSERT INTO user_app_assignments (tenant_id, user_id, application_id, assigned_by, assigned_at)
       SELECT $1, u.id, a.id, 'bench-seed', now() - u.n * interval '1 second'
         FROM seed_users u
         CROSS JOIN LATERAL unnest(ARRAY[${SHAPE_DIRECT}]) AS pick(key)
         JOIN seed_shape_apps a ON a.key = pick.key
        WHERE u.n BETWEEN $2 AND $3`,
      [tenant, from, to],
    );
    bar.increment(`shape direct assignments ${to}/${users}`);
  }
  await client.query(
    `INSERT INTO user_app_assignments (tenant_id, user_id, application_id, assigned_by)
     SELECT $1, u.id, a.id, 'bench-seed' FROM seed_users u JOIN seed_apps a ON a.n = ${SPARSE_APP}
      WHERE u.n <= ${SPARSE_USERS}`,
    [tenant],
  );
  await client.query(`RESET session_replication_role`);
  // The counter trigger did not fire while replicating; set the counter once.
  await client.query(`UPDATE tenants SET user_count = (SELECT count(*) FROM users WHERE tenant_id = $1) WHERE id = $1`, [tenant]);
  // Statistics first: without them the fill's joins are planned for empty tables.
  await client.query(`ANALYZE users, groups, group_memberships, applications, user_app_assignments, group_app_assignments`);
  await fillEffectiveAccess(client, tenant, bar);
  bar.increment('ANALYZE');
  // VACUUM sets the visibility map, so index-only scans do not visit the heap.
  await client.query(
    `VACUUM ANALYZE tenants, users, groups, group_memberships, applications, user_app_assignments, group_app_assignments,
                    effective_access, effective_access_state`,
  );
  bar.increment('done');
  bar.stop();
  return tenant;
}

/**
 * The effective-access index of the new tenant, one application at a time (its triggers did
 * not fire while replicating): what the EffectiveAccessFill migration's batches would write,
 * in one statement per application, which is faster for a tenant nobody reads yet.
 */
async function fillEffectiveAccess(client: Client, tenant: string, bar: SeedProgress): Promise<void> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO effective_access_state (tenant_id, application_id) SELECT tenant_id, id FROM applications WHERE tenant_id = $1
     RETURNING application_id AS id`,
    [tenant],
  );
  for (const [index, { id }] of rows.entries()) {
    await client.query(
      `WITH filled AS (
         INSERT INTO effective_access (tenant_id, application_id, user_id, email, direct, group_paths)
         SELECT $1, $2, paths.user_id, u.email, bool_or(paths.direct), sum(paths.paths)::integer
           FROM (SELECT ua.user_id, true AS direct, 0 AS paths FROM user_app_assignments ua
                  WHERE ua.tenant_id = $1 AND ua.application_id = $2
                 UNION ALL
                 SELECT m.user_id, false, 1 FROM group_app_assignments ga
                   JOIN group_memberships m ON m.tenant_id = ga.tenant_id AND m.group_id = ga.group_id
                  WHERE ga.tenant_id = $1 AND ga.application_id = $2) paths
           JOIN users u ON u.tenant_id = $1 AND u.id = paths.user_id
          GROUP BY paths.user_id, u.email
         RETURNING 1
       )
       UPDATE effective_access_state SET user_count = (SELECT count(*) FROM filled) WHERE tenant_id = $1 AND application_id = $2`,
      [tenant, id],
    );
    if (index % 25 === 0) bar.increment(`effective-access index ${index + 1}/${rows.length}`);
  }
}

/**
 * The shape applications (SHAPE_ONLY_APPLICATIONS), the shape groups, their assignments, and Twenty Apps Team's 20 ordinary
 * applications, into the temporary tables seed_shape_apps and seed_shape_groups (key, id)
 * the membership and direct-assignment inserts join. Needs seed_apps.
 */
async function seedShapeGroupsAndApplications(client: Client, tenant: string, users: number): Promise<void> {
  const apps = SHAPES.filter((shape) => SHAPE_ONLY_APPLICATIONS.includes(shape.application));
  const groups = shapeGroups(users);
  await client.query(
    `CREATE TEMP TABLE seed_shape_apps AS SELECT key, name, gen_random_uuid() AS id FROM unnest($1::text[], $2::text[]) AS s(key, name)`,
    [apps.map((shape) => shape.key), apps.map((shape) => shape.application)],
  );
  await client.query(
    `CREATE TEMP TABLE seed_shape_groups AS
     SELECT key, name, application, gen_random_uuid() AS id
       FROM unnest($1::text[], $2::text[], $3::text[]) AS s(key, name, application)`,
    [groups.map((group) => group.key), groups.map((group) => group.name), groups.map((group) => group.application ?? null)],
  );
  await client.query(
    `INSERT INTO applications (tenant_id, id, name, client_id)
     SELECT $1, id, name, 'app_bench_' || replace(id::text, '-', '') FROM seed_shape_apps`,
    [tenant],
  );
  await client.query(
    `INSERT INTO groups (tenant_id, id, name, description)
     SELECT $1, id, name, 'Benchmark shape group' FROM seed_shape_groups`,
    [tenant],
  );
  await client.query(
    `INSERT INTO group_app_assignments (tenant_id, group_id, application_id, assigned_by)
     SELECT $1, g.id, a.id, 'bench-seed' FROM seed_shape_groups g JOIN seed_shape_apps a ON a.key = g.application`,
    [tenant],
  );
  await client.query(
    `INSERT INTO group_app_assignments (tenant_id, group_id, application_id, assigned_by)
     SELECT $1, g.id, a.id, 'bench-seed'
       FROM seed_shape_groups g JOIN seed_apps a ON a.n BETWEEN $2 AND $3
      WHERE g.key = 'twenty-apps-team'`,
    [tenant, TWENTY_APPS_FIRST, TWENTY_APPS_FIRST + TWENTY_APPS - 1],
  );
}
