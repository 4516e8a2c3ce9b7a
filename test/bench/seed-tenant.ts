import { Client } from 'pg';
import { benchTenantSlug } from './bench-database';

/**
 * The synthetic tenant of the benchmark (issue 6): about 1 group per 50 users, each user in
 * about 3 groups, 500 applications, each group assigned 5 applications, each user 2 direct
 * applications, an "All Employees" group holding every user and assigned the "All
 * Employees Portal", and a "Sparse App" reached by only 100 users (direct assignments).
 */

export const BENCH_APPLICATIONS = 500;
const APPLICATIONS = BENCH_APPLICATIONS;
const DENSE_APP = 0;
const SPARSE_APP = 1;
const SPARSE_USERS = 100;
const CHUNK = 100_000;

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
  bar.start(4 + chunks * 3, 'removing the previous bench tenant');
  const slug = benchTenantSlug(users);

  await client.query('DELETE FROM tenants WHERE slug = $1', [slug]);
  bar.increment('tenant, groups, applications');
  const { rows } = await client.query<{ id: string }>(`INSERT INTO tenants (name, slug) VALUES ($1, $2) RETURNING id`, [
    `Benchmark ${users}`,
    slug,
  ]);
  const tenant = rows[0].id;
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
  }
  await client.query(
    `INSERT INTO user_app_assignments (tenant_id, user_id, application_id, assigned_by)
     SELECT $1, u.id, a.id, 'bench-seed' FROM seed_users u JOIN seed_apps a ON a.n = ${SPARSE_APP}
      WHERE u.n <= ${SPARSE_USERS}`,
    [tenant],
  );
  await client.query(`RESET session_replication_role`);
  // The counter triggers did not fire while replicating; set the counters once.
  await client.query(
    `UPDATE groups g SET member_count = c.n
       FROM (SELECT group_id, count(*) AS n FROM group_memberships WHERE tenant_id = $1 GROUP BY group_id) c
      WHERE g.tenant_id = $1 AND g.id = c.group_id`,
    [tenant],
  );
  await client.query(`UPDATE tenants SET user_count = (SELECT count(*) FROM users WHERE tenant_id = $1) WHERE id = $1`, [tenant]);
  bar.increment('ANALYZE');
  // VACUUM sets the visibility map, so index-only scans do not visit the heap.
  await client.query(
    `VACUUM ANALYZE tenants, users, groups, group_memberships, applications, user_app_assignments, group_app_assignments`,
  );
  bar.increment('done');
  bar.stop();
  return tenant;
}
