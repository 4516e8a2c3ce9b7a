import { Client } from 'pg';
import { benchTenantSlug } from './bench-database';

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
}

export async function loadBenchTenant(client: Client, users: number): Promise<BenchTenant> {
  const slug = benchTenantSlug(users);
  const tenant = await client.query<{ id: string }>('SELECT id FROM tenants WHERE slug = $1', [slug]);
  if (tenant.rowCount === 0) throw new Error(`No tenant ${slug}: run \`npm run bench:seed -- --users ${users}\` first`);
  const tenantId = tenant.rows[0].id;
  const one = async (sql: string, params: unknown[]): Promise<string> => {
    const result = await client.query<{ id: string }>(sql, params);
    if (result.rowCount === 0) throw new Error(`bench tenant ${slug} is incomplete: ${sql}`);
    return result.rows[0].id;
  };
  const middle = String(Math.ceil(users / 2)).padStart(7, '0');
  return {
    tenantId,
    users,
    userId: await one('SELECT id FROM users WHERE tenant_id = $1 AND email = $2', [tenantId, `user${middle}@bench.example`]),
    groupId: await one(`SELECT id FROM groups WHERE tenant_id = $1 AND name = 'Group 000007'`, [tenantId]),
    allEmployeesGroupId: await one(`SELECT id FROM groups WHERE tenant_id = $1 AND name = 'All Employees'`, [tenantId]),
    denseAppId: await one(`SELECT id FROM applications WHERE tenant_id = $1 AND name = 'All Employees Portal'`, [tenantId]),
    sparseAppId: await one(`SELECT id FROM applications WHERE tenant_id = $1 AND name = 'Sparse App'`, [tenantId]),
    ordinaryAppId: await one(`SELECT id FROM applications WHERE tenant_id = $1 AND name = 'App 007'`, [tenantId]),
  };
}
