import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { DataSource } from 'typeorm';
import {
  EffectiveAccessCheckRepository,
  type IndexedApplication,
  type RowDifference,
} from '../access/effective-access-check.repository';
import { EffectiveAccessRebuildRepository } from '../access/effective-access-rebuild.repository';
import { isUuid } from '../common/http/uuid';
import { databaseOptions } from '../database/database.options';

/**
 * `npm run access:verify -- --tenant <uuid> [--repair]`: recounts the effective-access index
 * of a tenant from its source tables (assignments and memberships) and reports every
 * difference; with --repair, rebuilds the applications that differ, sets their counts to
 * their rows, and checks them again.
 * The command an operator runs after a restore or an incident. Connects to DATABASE_MIGRATION_URL
 * (a direct connection: it runs without a time limit), else DATABASE_URL, or
 * to the embedded database `npm start` runs. Exit code 0: consistent; 1: differences
 * remain; 2: a mistake on the command line.
 */

/** Users per checked range: about the size of a rebuild batch on a dense application. */
const RANGE_USERS = 20_000;
const SHOWN_DIFFERENCES = 5;

interface Finding {
  application: IndexedApplication;
  differences: RowDifference[];
  countMismatch: boolean;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      repair: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.tenant || !isUuid(values.tenant)) {
    process.stderr.write('Usage: npm run access:verify -- --tenant <tenant-uuid> [--repair]\n');
    return 2;
  }
  const tenantId = values.tenant.toLowerCase();
  const url =
    process.env.DATABASE_MIGRATION_URL ??
    process.env.DATABASE_URL ??
    `postgres://postgres:postgres@127.0.0.1:${process.env.EMBEDDED_DATABASE_PORT ?? 54329}/iam`;
  // A pool without the request time limit: a whole tenant's recount takes minutes.
  const dataSource = new DataSource(databaseOptions({ url, role: 'migrations' }));
  await dataSource.initialize();
  try {
    const check = new EffectiveAccessCheckRepository(dataSource);
    let findings = await verify(check, tenantId, await check.applications(tenantId));
    report(findings);
    if (findings.length > 0 && values.repair) {
      await repair(check, new EffectiveAccessRebuildRepository(dataSource), tenantId, findings);
      const repaired = new Set(findings.map((finding) => finding.application.applicationId));
      findings = await verify(
        check,
        tenantId,
        (await check.applications(tenantId)).filter((application) => repaired.has(application.applicationId)),
      );
      process.stdout.write(findings.length === 0 ? 'after the repair: consistent\n' : 'after the repair, still:\n');
      report(findings);
    }
    return findings.length === 0 ? 0 : 1;
  } finally {
    await dataSource.destroy();
  }
}

async function verify(
  check: EffectiveAccessCheckRepository,
  tenantId: string,
  applications: IndexedApplication[],
): Promise<Finding[]> {
  if (applications.length === 0) {
    process.stdout.write(`tenant ${tenantId}: no applications (or no such tenant)\n`);
    return [];
  }
  const bounds = await check.userBounds(tenantId, RANGE_USERS);
  const totalRows = applications.reduce((sum, application) => sum + Math.max(application.rows, application.reach), 0);
  const bar = new SingleBar(
    { format: 'verifying |{bar}| {percentage}% | {value}/{total} rows | {application}', hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(totalRows, 0, { application: '' });
  const findings: Finding[] = [];
  for (const application of applications) {
    bar.update({ application: application.name });
    // An application being rebuilt is exact only up to its cursor; one not started yet has nothing to check.
    const upTo = application.rebuilding ? application.rebuildCursor : null;
    const differences: RowDifference[] = [];
    if (!(application.rebuilding && upTo === null)) {
      // Dense applications in user ranges, so that each statement stays small.
      const ranges =
        Math.max(application.rows, application.reach) > RANGE_USERS ? rangesOf(bounds, upTo) : [[null, upTo] as const];
      for (const [after, through] of ranges) {
        differences.push(...(await check.differences(tenantId, application.applicationId, after, through)));
      }
    }
    const countMismatch = !application.rebuilding && application.userCount !== application.rows;
    if (differences.length > 0 || countMismatch) findings.push({ application, differences, countMismatch });
    bar.increment(Math.max(application.rows, application.reach));
  }
  bar.stop();
  process.stdout.write(
    `checked ${applications.length} applications (${applications.filter((application) => application.rebuilding).length} being rebuilt, checked up to their cursor)\n`,
  );
  return findings;
}

/** (after, through] ranges covering every user up to `upTo` (null: all of them). */
function rangesOf(bounds: string[], upTo: string | null): Array<readonly [string | null, string | null]> {
  const limits = upTo === null ? bounds : bounds.filter((bound) => bound < upTo);
  const ranges: Array<readonly [string | null, string | null]> = [];
  let after: string | null = null;
  for (const bound of limits) {
    ranges.push([after, bound]);
    after = bound;
  }
  ranges.push([after, upTo]);
  return ranges;
}

function report(findings: Finding[]): void {
  if (findings.length === 0) {
    process.stdout.write('consistent: every index row and count matches the source tables\n');
    return;
  }
  for (const { application, differences, countMismatch } of findings) {
    const kinds = {
      missing: differences.filter((difference) => difference.actual === null).length,
      extra: differences.filter((difference) => difference.expected === null).length,
      wrong: differences.filter((difference) => difference.actual !== null && difference.expected !== null).length,
    };
    process.stdout.write(
      `${application.name} (${application.applicationId}): ${kinds.missing} missing, ${kinds.extra} extra, ${kinds.wrong} wrong rows` +
        `${countMismatch ? `; count ${application.userCount}, rows ${application.rows}` : ''}\n`,
    );
    for (const difference of differences.slice(0, SHOWN_DIFFERENCES)) {
      process.stdout.write(
        `  user ${difference.user_id}: expected ${JSON.stringify(difference.expected)}, indexed ${JSON.stringify(difference.actual)}\n`,
      );
    }
  }
}

/** Marks each differing application for a rebuild and runs the batches here, with a progress bar. */
async function repair(
  check: EffectiveAccessCheckRepository,
  rebuilds: EffectiveAccessRebuildRepository,
  tenantId: string,
  findings: Finding[],
): Promise<void> {
  for (const { application } of findings) await check.requestRebuild(tenantId, application.applicationId);
  const bar = new SingleBar(
    { format: 'repairing |{bar}| {value}/{total} applications | {batches} batches', hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(findings.length, 0, { batches: 0 });
  const pending = new Set(findings.map((finding) => finding.application.applicationId));
  let batches = 0;
  for (;;) {
    const batch = await rebuilds.next();
    if (!batch) break;
    batches += 1;
    if (batch.done && pending.delete(batch.applicationId)) bar.increment(1, { batches });
    else bar.update({ batches });
  }
  bar.stop();
  for (const { application } of findings) await check.recount(tenantId, application.applicationId);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
