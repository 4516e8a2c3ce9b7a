import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { argument } from './bench-database';
import { type BenchTenant, loadCheckPairs } from './bench-tenant';
import { CHECK_BATCH, type ScenarioIds } from './scenarios';
import { SHAPE_ONLY_APPLICATIONS } from './seed-tenant';

/**
 * What both modes of `npm run bench` share (run.ts: one service and the bare baseline;
 * cluster-bench.ts: a LocalCluster): the `--warmup` option, the ids the scenarios use, and
 * waiting between two runs until the database is quiet.
 */

/** Leases are lost when autocannon cuts a cycle (the end of a run, a reconnect): room for many. */
const SINGLE_USERS = 1_000;
const BULK_USERS_MAX = 50_000;
const MEMBER_USERS = 1_000;

/** How long to wait, between two runs, for the queries the previous one left behind. */
const SETTLE_TIMEOUT_MS = 120_000;

/** `--warmup S` (default 2; 0 for none). */
export function warmupSeconds(): number {
  const value = Number(argument('warmup', '2'));
  if (!Number.isInteger(value) || value < 0) throw new Error('--warmup must be a whole number of seconds');
  return value;
}

/** The ids every scenario uses (scenarios.ts, ScenarioIds), from the database and, for the totals, the service at `serviceUrl`. */
export async function collectIds(
  client: Client,
  tenant: BenchTenant,
  serviceUrl: string,
  headers: Record<string, string>,
): Promise<ScenarioIds> {
  // The 500 applications of the tenant, without those of the shapes (bulk assigns them all).
  const applications = await client.query<{ id: string }>(
    'SELECT id FROM applications WHERE tenant_id = $1 AND name <> ALL ($2::text[]) ORDER BY name, id',
    [tenant.tenantId, SHAPE_ONLY_APPLICATIONS],
  );
  // Users who do not hold the sparse app (the first 100 do), other than the middle user the reads use.
  const candidates = await client.query<{ id: string }>(
    `SELECT u.id FROM users u
      WHERE u.tenant_id = $1 AND u.id <> $2
        AND NOT EXISTS (SELECT 1 FROM user_app_assignments ua
                         WHERE ua.tenant_id = $1 AND ua.user_id = u.id AND ua.application_id = $3)
      ORDER BY u.email LIMIT $4`,
    [tenant.tenantId, tenant.userId, tenant.sparseAppId, SINGLE_USERS + BULK_USERS_MAX],
  );
  const userIds = candidates.rows.map((row) => row.id);
  const outsideTeam = await client.query<{ id: string }>(
    `SELECT u.id FROM users u
      WHERE u.tenant_id = $1 AND u.id <> $2
        AND NOT EXISTS (SELECT 1 FROM group_memberships m WHERE m.tenant_id = $1 AND m.group_id = $3 AND m.user_id = u.id)
      ORDER BY u.email LIMIT $4`,
    [tenant.tenantId, tenant.userId, tenant.twentyAppsTeamGroupId, MEMBER_USERS],
  );
  // The totals as the service reports them (they decide the middle and last pages).
  const total = async (applicationId: string) => {
    const response = await fetch(
      `${serviceUrl}/api/v1/tenants/${tenant.tenantId}/applications/${applicationId}/effective-users`,
      { headers },
    );
    if (response.status !== 200) throw new Error(`effective users of ${applicationId}: ${response.status}`);
    return ((await response.json()) as { pagination: { total_items: number } }).pagination.total_items;
  };
  const shapeTotals: ScenarioIds['shapeTotals'] = [];
  for (const shape of tenant.shapes) shapeTotals.push({ ...shape, totalItems: await total(shape.applicationId) });
  return {
    ...tenant,
    applicationIds: applications.rows.map((row) => row.id),
    singleUsers: userIds.slice(0, SINGLE_USERS),
    bulkUsers: userIds.slice(SINGLE_USERS),
    memberUsers: outsideTeam.rows.map((row) => row.id),
    shapeTotals,
    checkPairs: await loadCheckPairs(client, tenant.tenantId, CHECK_BATCH),
  };
}

/**
 * Waits until no query of another connection runs in the database: a run that ended
 * with requests in flight (autocannon drops them; the server finishes them) must not load
 * the next one. Gives up after SETTLE_TIMEOUT_MS.
 */
export async function settle(client: Client): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const { rows } = await client.query<{ busy: number }>(
      `SELECT count(*)::int AS busy FROM pg_stat_activity
        WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`,
    );
    if (rows[0].busy === 0 || Date.now() > deadline) return;
    await sleep(100);
  }
}
