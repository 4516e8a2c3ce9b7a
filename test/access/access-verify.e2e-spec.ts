import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { addMember, createApplication, createGroup, createTenant, createUser, type TenantFixture } from '../support/fixtures';
import { type IsolatedApp, startIsolatedApp } from '../support/isolated-app';
import { bearer } from '../support/test-app';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

interface VerifyRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `npm run access:verify`, the operator's command after a restore or an incident, run as a
 * process against a tenant whose index is damaged behind the triggers' back: it must name
 * every difference and exit 1, and with --repair leave rows and counts exact and exit 0.
 */
describe('access:verify', () => {
  let t: IsolatedApp;
  let tenant: TenantFixture;
  let users: string[];
  let wiki: string;
  let payroll: string;

  async function verify(...args: string[]): Promise<VerifyRun> {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src/scripts/access-verify.ts'), ...args],
        { cwd: ROOT, env: { ...process.env, DATABASE_URL: t.databaseUrl, TS_NODE_TRANSPILE_ONLY: 'true' } },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  /** Index rows and counts of the tenant, as the reads see them. */
  async function indexOf(tenantId: string): Promise<{ rows: string[]; counts: Record<string, number> }> {
    const rows = await t.dataSource.query<Array<{ row: string }>>(
      `SELECT application_id || ' ' || user_id || ' ' || direct || ' ' || group_paths AS row
         FROM effective_access WHERE tenant_id = $1 ORDER BY 1`,
      [tenantId],
    );
    const counts = await t.dataSource.query<Array<{ application_id: string; n: string }>>(
      `SELECT s.application_id, s.user_count + coalesce((SELECT sum(d.delta) FROM effective_access_count_deltas d
                WHERE d.tenant_id = s.tenant_id AND d.application_id = s.application_id), 0) AS n
         FROM effective_access_state s WHERE s.tenant_id = $1`,
      [tenantId],
    );
    return {
      rows: rows.map((row) => row.row),
      counts: Object.fromEntries(counts.map((count) => [count.application_id, Number(count.n)])),
    };
  }

  beforeAll(async () => {
    t = await startIsolatedApp('access_verify', { BACKGROUND_WORKERS: 'false' });
    tenant = await createTenant(t, 'Verified');
    users = [];
    for (let index = 0; index < 6; index += 1) users.push(await createUser(t, tenant, `verify${index}@example.com`));
    const group = await createGroup(t, tenant, 'Engineering');
    for (const user of users.slice(0, 4)) await addMember(t, tenant, group, user);
    wiki = await createApplication(t, tenant, 'Wiki');
    payroll = await createApplication(t, tenant, 'Payroll');
    const api = `/api/v1/tenants/${tenant.id}`;
    await t.http.post(`${api}/groups/${group}/applications`).set(bearer(tenant.token)).send({ application_id: wiki }).expect(201);
    for (const user of [users[0], users[4]]) {
      await t.http.post(`${api}/users/${user}/applications`).set(bearer(tenant.token)).send({ application_id: wiki }).expect(201);
    }
    await t.http
      .post(`${api}/users/${users[5]}/applications`)
      .set(bearer(tenant.token))
      .send({ application_id: payroll })
      .expect(201);
  });

  afterAll(async () => {
    await t.close();
  });

  it('finds a consistent tenant consistent, exit code 0', async () => {
    const result = await verify('--tenant', tenant.id);
    expect(result.stdout).toContain('checked 2 applications');
    expect(result.stdout).toContain('consistent: every index row and count matches the source tables');
    expect(result.code).toBe(0);
  });

  it('names a missing, an extra and a wrong row and a drifted count (exit 1), and --repair makes rows and counts exact', async () => {
    const exact = await indexOf(tenant.id);
    expect(exact.counts).toEqual({ [wiki]: 5, [payroll]: 1 });

    // Damage written behind the triggers' back, as a partial restore would leave it.
    await t.dataSource.query(`ALTER TABLE effective_access DISABLE TRIGGER USER`);
    try {
      await t.dataSource.query(`DELETE FROM effective_access WHERE tenant_id = $1 AND application_id = $2 AND user_id = $3`, [
        tenant.id,
        wiki,
        users[1],
      ]);
      await t.dataSource.query(
        `UPDATE effective_access SET group_paths = 7 WHERE tenant_id = $1 AND application_id = $2 AND user_id = $3`,
        [tenant.id, wiki, users[2]],
      );
      await t.dataSource.query(
        `INSERT INTO effective_access (tenant_id, application_id, user_id, email, direct, group_paths)
         VALUES ($1, $2, $3, 'verify0@example.com', true, 0)`,
        [tenant.id, payroll, users[0]],
      );
    } finally {
      await t.dataSource.query(`ALTER TABLE effective_access ENABLE TRIGGER USER`);
    }
    await t.dataSource.query(
      `UPDATE effective_access_state SET user_count = user_count + 3 WHERE tenant_id = $1 AND application_id = $2`,
      [tenant.id, payroll],
    );

    const found = await verify('--tenant', tenant.id);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`Wiki (${wiki}): 1 missing, 0 extra, 1 wrong rows; count 5, rows 4`);
    expect(found.stdout).toContain(`Payroll (${payroll}): 0 missing, 1 extra, 0 wrong rows; count 4, rows 2`);
    expect(found.stdout).toContain(
      `user ${users[1]}: expected {"direct":false,"group_paths":1,"email":"verify1@example.com"}, indexed null`,
    );
    expect(found.stdout).toContain(
      `user ${users[0]}: expected null, indexed {"direct":true,"group_paths":0,"email":"verify0@example.com"}`,
    );

    const repaired = await verify('--tenant', tenant.id, '--repair');
    expect(repaired.stdout).toContain('after the repair: consistent');
    expect(repaired.code).toBe(0);
    expect(await indexOf(tenant.id)).toEqual(exact);
    expect((await verify('--tenant', tenant.id)).code).toBe(0);
  });

  it('explains its usage with exit code 2 on a missing or malformed tenant', async () => {
    for (const args of [[], ['--tenant', 'not-a-uuid']]) {
      const result = await verify(...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Usage: npm run access:verify -- --tenant <tenant-uuid> [--repair]');
    }
  });
});
