import { Client } from 'pg';
import {
  ASSIGNEES_SQL,
  EFFECTIVE_USERS_COUNT_BY_UNION_SQL,
  EFFECTIVE_USERS_PAGE_BY_COLLECTING_SQL,
  EFFECTIVE_USERS_PAGE_BY_WALKING_SQL,
  EFFECTIVE_USERS_PAGE_OF_ALL_USERS_SQL,
  EFFECTIVE_USERS_SOURCES_SQL,
  GROUP_APPLICATIONS_SQL,
  USER_APPLICATIONS_SQL,
} from '../../src/assignments/assignments.sql';
import { openBenchDatabase, positiveInteger } from './bench-database';
import { loadBenchTenant } from './bench-tenant';

/**
 * `npm run bench:explain -- --users N`: EXPLAIN (ANALYZE, BUFFERS) of every App Assignments
 * set query on the seeded tenant, with the indexes each plan uses and any sequential scan.
 */
async function main(): Promise<void> {
  const users = positiveInteger('users', 100_000);
  const database = await openBenchDatabase();
  const client = new Client({ connectionString: database.url, options: '-c jit=off' });
  await client.connect();
  try {
    const bench = await loadBenchTenant(client, users);
    const cases: Array<[string, string, unknown[]]> = [
      ['user applications (with groups)', USER_APPLICATIONS_SQL, [bench.tenantId, bench.userId, true]],
      ['group applications', GROUP_APPLICATIONS_SQL, [bench.tenantId, bench.groupId]],
      ['assignees (ordinary application)', ASSIGNEES_SQL, [bench.tenantId, bench.ordinaryAppId]],
      ['effective users sources (dense)', EFFECTIVE_USERS_SOURCES_SQL, [bench.tenantId, bench.denseAppId]],
      [
        'effective users page 1 (dense: all users)',
        EFFECTIVE_USERS_PAGE_OF_ALL_USERS_SQL,
        [bench.tenantId, bench.denseAppId, 20, 0],
      ],
      [
        'effective users deep page (dense: all users)',
        EFFECTIVE_USERS_PAGE_OF_ALL_USERS_SQL,
        [bench.tenantId, bench.denseAppId, 20, Math.floor(users / 2)],
      ],
      ['effective users count (sparse: union)', EFFECTIVE_USERS_COUNT_BY_UNION_SQL, [bench.tenantId, bench.sparseAppId]],
      [
        'effective users page 1 (sparse: collecting)',
        EFFECTIVE_USERS_PAGE_BY_COLLECTING_SQL,
        [bench.tenantId, bench.sparseAppId, 20, 0],
      ],
      ['effective users count (ordinary: union)', EFFECTIVE_USERS_COUNT_BY_UNION_SQL, [bench.tenantId, bench.ordinaryAppId]],
      [
        'effective users page 1 (ordinary: walking)',
        EFFECTIVE_USERS_PAGE_BY_WALKING_SQL,
        [bench.tenantId, bench.ordinaryAppId, 20, 0],
      ],
    ];
    for (const [label, sql, params] of cases) {
      const result = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      const plan = result.rows.map((row) => row['QUERY PLAN']).join('\n');
      const indexes = [...new Set([...plan.matchAll(/(?:Index|Index Only) Scan(?: Backward)? using (\w+)/g)].map((m) => m[1]))];
      const seqScans = [...new Set([...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]))];
      const time = /Execution Time: ([\d.]+) ms/.exec(plan)?.[1];
      process.stdout.write(
        `\n=== ${label}: ${time} ms; indexes: ${indexes.join(', ') || 'none'}; sequential scans: ${seqScans.join(', ') || 'none'}\n${plan}\n`,
      );
    }
  } finally {
    await client.end();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
