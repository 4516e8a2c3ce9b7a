import { Client } from 'pg';
import { benchTenantSlug } from './bench-database';
import { REGION_LARGE, type ShapeKey, SHAPES, TWENTY_APPS_TEAM } from './seed-tenant';

/** One shape of "who can use this application" (seed-tenant.ts, SHAPES): its application. */
export interface BenchShape {
  key: ShapeKey;
  label: string;
  /** The application's name. */
  application: string;
  applicationId: string;
}

/** The ids a benchmark run reads and writes in a seeded tenant. */
export interface BenchTenant {
  tenantId: string;
  users: number;
  /** A user in the middle of the tenant: 2 direct applications, 3 groups + All Employees. */
  userId: string;
  /** An ordinary group (5 applications, ~150 members). */
  groupId: string;
  allEmployeesGroupId: string;
  /** Reached by every user through All Employees. */
  denseAppId: string;
  /** Reached by 100 users, directly. */
  sparseAppId: string;
  /** An ordinary application: direct users and a few groups. */
  ordinaryAppId: string;
  /** Every shape's application, in SHAPES order. */
  shapes: BenchShape[];
  /** ~0.1% of the users (at least 20), assigned 20 ordinary applications. */
  twentyAppsTeamGroupId: string;
  /** 40% of the users, assigned nothing. */
  regionLargeGroupId: string;
}

export async function loadBenchTenant(client: Client, users: number): Promise<BenchTenant> {
  const slug = benchTenantSlug(users);
  const tenant = await client.query<{ id: string }>('SELECT id FROM tenants WHERE slug = $1', [slug]);
  if (tenant.rowCount === 0) throw new Error(`No tenant ${slug}: run \`npm run bench:seed -- --users ${users}\` first`);
  const tenantId = tenant.rows[0].id;
  const one = async (sql: string, params: unknown[]): Promise<string> => {
    const result = await client.query<{ id: string }>(sql, params);
    if (result.rowCount === 0) {
      throw new Error(`bench tenant ${slug} is incomplete (${sql} ${JSON.stringify(params)}): seed it again`);
    }
    return result.rows[0].id;
  };
  const application = (name: string) => one('SELECT id FROM applications WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
  const group = (name: string) => one('SELECT id FROM groups WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
  const middle = String(Math.ceil(users / 2)).padStart(7, '0');
  const shapes: BenchShape[] = [];
  for (const shape of SHAPES) {
    shapes.push({
      key: shape.key,
      label: shape.label,
      application: shape.application,
      applicationId: await application(shape.application),
    });
  }
  return {
    tenantId,
    users,
    userId: await one('SELECT id FROM users WHERE tenant_id = $1 AND email = $2', [tenantId, `user${middle}@bench.example`]),
    groupId: await group('Group 000007'),
    allEmployeesGroupId: await group('All Employees'),
    denseAppId: await application('All Employees Portal'),
    sparseAppId: await application('Sparse App'),
    ordinaryAppId: await application('App 007'),
    shapes,
    twentyAppsTeamGroupId: await group(TWENTY_APPS_TEAM),
    regionLargeGroupId: await group(REGION_LARGE),
  };
}

/** A (user, application) pair the access-check reads ask about, and how the user has the application. */
export interface CheckPair {
  userId: string;
  applicationId: string;
  clientId: string;
  how: 'direct' | 'group' | 'none';
}

/**
 * `count` pairs for the access-check reads, interleaved direct, through a group, not granted
 * (about a third each), each kind over distinct users: direct assignments in primary-key
 * order; an application reached only through a group (the first of each user's memberships,
 * All Employees Portal excluded so the groups vary); and users with "Shape: Empty", which
 * nobody can use. Each walks users in id order and stops after `count`, so it is as cheap at
 * 1M users as at 10k.
 */
export async function loadCheckPairs(client: Client, tenantId: string, count: number): Promise<CheckPair[]> {
  const each = Math.ceil(count / 3);
  const direct = await client.query<CheckPair>(
    `SELECT DISTINCT ON (ua.user_id) ua.user_id AS "userId", ua.application_id AS "applicationId", a.client_id AS "clientId", 'direct' AS how
       FROM user_app_assignments ua JOIN applications a ON a.tenant_id = ua.tenant_id AND a.id = ua.application_id
      WHERE ua.tenant_id = $1
      ORDER BY ua.user_id, ua.application_id
      LIMIT $2`,
    [tenantId, each],
  );
  const group = await client.query<CheckPair>(
    `SELECT u.id AS "userId", reached."applicationId", reached."clientId", 'group' AS how
       FROM users u
       CROSS JOIN LATERAL (
         SELECT ga.application_id AS "applicationId", a.client_id AS "clientId"
           FROM group_memberships m
           JOIN group_app_assignments ga ON ga.tenant_id = m.tenant_id AND ga.group_id = m.group_id
           JOIN applications a ON a.tenant_id = ga.tenant_id AND a.id = ga.application_id AND a.name <> 'All Employees Portal'
          WHERE m.tenant_id = u.tenant_id AND m.user_id = u.id
            AND NOT EXISTS (SELECT 1 FROM user_app_assignments ua
                             WHERE ua.tenant_id = m.tenant_id AND ua.user_id = m.user_id AND ua.application_id = ga.application_id)
          ORDER BY ga.application_id
          LIMIT 1
       ) reached
      WHERE u.tenant_id = $1
      ORDER BY u.id
      LIMIT $2`,
    [tenantId, each],
  );
  const none = await client.query<CheckPair>(
    `SELECT u.id AS "userId", a.id AS "applicationId", a.client_id AS "clientId", 'none' AS how
       FROM users u JOIN applications a ON a.tenant_id = u.tenant_id AND a.name = 'Shape: Empty'
      WHERE u.tenant_id = $1
      ORDER BY u.id
      LIMIT $2`,
    [tenantId, each],
  );
  const kinds = [direct.rows, group.rows, none.rows];
  if (kinds.some((rows) => rows.length < each))
    throw new Error('bench tenant: too few pairs for the access checks; seed it again');
  return Array.from({ length: count }, (_, index) => kinds[index % 3][Math.floor(index / 3)]);
}
