import type { Logger as Pino } from 'pino';
import { DataSource } from 'typeorm';
import { generateClientId } from '../applications/client-id';
import { mintDevelopmentToken } from '../common/auth/development-token';
import { TENANT_SCOPES } from '../common/auth/scopes';
import { effectiveJwtSecret, Environment } from '../config/environment';

export const DEMO_TENANT_SLUG = 'demo';
const DEMO_ACTOR = 'demo-seed';

const USERS = [
  ['ada@demo.example', 'Ada Lovelace'],
  ['grace@demo.example', 'Grace Hopper'],
  ['alan@demo.example', 'Alan Turing'],
  ['katherine@demo.example', 'Katherine Johnson'],
  ['linus@demo.example', 'Linus Torvalds'],
] as const;
const GROUPS = [
  ['Engineering', 'Everyone who ships code', ['ada', 'alan', 'linus']],
  ['Finance', 'Budgets, payroll and expenses', ['grace', 'katherine']],
  ['Everyone', 'All employees', ['ada', 'grace', 'alan', 'katherine', 'linus']],
] as const;
const APPLICATIONS = [
  ['Git Hosting', 'Source code and reviews'],
  ['Payroll', 'Monthly payslips and tax forms'],
  ['Wiki', 'Company knowledge base'],
  ['Expenses', 'Receipts and reimbursements'],
] as const;
const GROUP_ASSIGNMENTS = [
  ['Engineering', 'Git Hosting'],
  ['Finance', 'Payroll'],
  ['Everyone', 'Wiki'],
] as const;
const USER_ASSIGNMENTS = [
  ['ada', 'Expenses'],
  ['ada', 'Wiki'],
] as const;

/**
 * On an empty database in development: one demo tenant with a few users, groups,
 * memberships, applications and assignments, so every endpoint has something to show.
 */
export async function seedDemoTenant(dataSource: DataSource, logger: Pino): Promise<void> {
  await dataSource.transaction(async (manager) => {
    // Serialise concurrent first starts against the same database.
    await manager.query('SELECT pg_advisory_xact_lock(4242)');
    const [{ count }] = await manager.query<Array<{ count: string }>>('SELECT count(*) AS count FROM tenants');
    if (Number(count) > 0) return;

    const [tenant] = await manager.query<Array<{ id: string }>>(
      `INSERT INTO tenants (name, slug) VALUES ('Demo Company', $1) RETURNING id`,
      [DEMO_TENANT_SLUG],
    );
    const userIds = new Map<string, string>();
    for (const [email, name] of USERS) {
      const [row] = await manager.query<Array<{ id: string }>>(
        `INSERT INTO users (tenant_id, email, display_name) VALUES ($1, $2, $3) RETURNING id`,
        [tenant.id, email, name],
      );
      userIds.set(email.split('@')[0], row.id);
    }
    const groupIds = new Map<string, string>();
    for (const [name, description, members] of GROUPS) {
      const [row] = await manager.query<Array<{ id: string }>>(
        `INSERT INTO groups (tenant_id, name, description) VALUES ($1, $2, $3) RETURNING id`,
        [tenant.id, name, description],
      );
      groupIds.set(name, row.id);
      for (const member of members) {
        await manager.query(`INSERT INTO group_memberships (tenant_id, group_id, user_id) VALUES ($1, $2, $3)`, [
          tenant.id,
          row.id,
          userIds.get(member),
        ]);
      }
    }
    const applicationIds = new Map<string, string>();
    for (const [name, description] of APPLICATIONS) {
      const [row] = await manager.query<Array<{ id: string }>>(
        `INSERT INTO applications (tenant_id, name, description, client_id)
         VALUES ($1, $2, $3, $4) RETURNING id`,
        [tenant.id, name, description, generateClientId()],
      );
      applicationIds.set(name, row.id);
    }
    for (const [group, application] of GROUP_ASSIGNMENTS) {
      await manager.query(
        `INSERT INTO group_app_assignments (tenant_id, group_id, application_id, assigned_by) VALUES ($1, $2, $3, $4)`,
        [tenant.id, groupIds.get(group), applicationIds.get(application), DEMO_ACTOR],
      );
    }
    for (const [user, application] of USER_ASSIGNMENTS) {
      await manager.query(
        `INSERT INTO user_app_assignments (tenant_id, user_id, application_id, assigned_by) VALUES ($1, $2, $3, $4)`,
        [tenant.id, userIds.get(user), applicationIds.get(application), DEMO_ACTOR],
      );
    }
    logger.info({ context: 'DemoSeed', tenantId: tenant.id }, 'empty database: created the demo tenant');
  });
}

function localUrl(baseUrl: string): string {
  return baseUrl.replace(/\/\/(\[::1?\]|0\.0\.0\.0|127\.0\.0\.1)/, '//localhost');
}

/** Printed on every development start: where the docs are and a token to try them with. */
export async function printDevelopmentBanner(dataSource: DataSource, env: Environment, baseUrl: string): Promise<void> {
  const rows = await dataSource.query<Array<{ id: string }>>('SELECT id FROM tenants WHERE slug = $1', [DEMO_TENANT_SLUG]);
  const docsUrl = `${localUrl(baseUrl)}/docs`;
  const lines = ['', '  IAM App Assignments API (development)', `  Swagger UI:     ${docsUrl}`];
  const secret = effectiveJwtSecret(env);
  if (rows.length === 0) {
    lines.push('  Demo tenant:    none (deleted); mint tokens with `npm run token -- --tenant <id>`');
  } else if (!secret) {
    lines.push(
      `  Demo tenant:    ${rows[0].id}`,
      '  Token:          tokens come from your identity provider (JWT_PUBLIC_KEY/JWT_JWKS_URI is set)',
    );
  } else {
    const token = mintDevelopmentToken({
      secret,
      tenantId: rows[0].id,
      scopes: TENANT_SCOPES,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
    });
    lines.push(
      `  Demo tenant:    ${rows[0].id}`,
      '  Bearer token (all tenant scopes, 12 h; paste it into "Authorize", or run the export line):',
      '',
      `  export TOKEN=${token}`,
      '',
      `  Try: curl -H "Authorization: Bearer $TOKEN" ${localUrl(baseUrl)}/api/v1/tenants/${rows[0].id}/users`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}
