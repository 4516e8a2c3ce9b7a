import { setTimeout as sleep } from 'node:timers/promises';
import { Presets, SingleBar } from 'cli-progress';
import { Client } from 'pg';
import { LocalCluster } from '../cluster/local-cluster';
import { programVersions } from '../cluster/packages';
import { waitUntil } from '../cluster/system';
import { argument, benchTenantSlug, positiveInteger } from './bench-database';
import { collectIds, settle, warmupSeconds } from './bench-run';
import { type BenchTenant, loadBenchTenant } from './bench-tenant';
import { type CpuSnapshot, cpuSnapshot, type CpuUsage, cpuUsage } from './cpu-sampler';
import { drive, type LoadOptions, type LoadResult, type Scenario } from './load';
import { buildIfStale } from './processes';
import { formatMachine, loadAverage, type MachineFacts, machineFacts, table, throughputRatio, writeReport } from './report';
import { readMix, readScenarios } from './scenarios';
import { seedBenchTenant } from './seed-tenant';

/**
 * `npm run bench -- --cluster --users N [--duration S] [--warmup S] [--connections C]
 * [--instances 1,2,3] [--replica off,on] [--pool P] [--pgbouncer-pool P] [--base-dir DIR]
 * [--rounds R] [--reseed] [--only TEXT]`: the read mix (scenarios.ts, readMix) through a LocalCluster
 * (test/cluster), once per configuration: each number of instances, without and with the
 * streaming replica. The cluster lives under its own base directory and ports, apart from
 * `npm run cluster:up` and the cluster tests; its primary keeps the seeded tenant
 * `bench-N` between configurations and between runs (seeded when missing, or with
 * `--reseed`). Per configuration: the mix's requests/s and latency percentiles, the ratio to
 * 1 instance without the replica, the statements PgBouncer passed to each server, where the
 * routed reads went, and where the CPU time went. `--rounds R` measures every configuration R
 * times, the configurations taking turns, and reports each one's median round (by
 * requests/s) with the range: on a machine shared with other work one round can be far off.
 * Prints tables and writes test/bench/results/cluster-N.json (not with --only).
 */

/**
 * Apart from the default cluster (15432, 3100...) and the cluster tests (15532, 3200...), and
 * below Linux's ephemeral range (32768-60999): a port in it can be taken for a while by any
 * outgoing connection on the machine (it was, once, for PgBouncer's 56632).
 */
export const CLUSTER_BENCH_PORTS = {
  primaryPort: 15632,
  replicaPort: 15633,
  pgbouncerPort: 16632,
  haproxyPort: 3300,
  haproxyStatsPort: 8604,
  firstInstancePort: 3301,
  firstMetricsPort: 9301,
} as const;
const DEFAULT_BASE_DIR = '.data/cluster-bench';
/** The most instances one configuration has: ports 3301..3309 and 9301..9309. */
const MAX_INSTANCES = 9;
/** The token's subject; the mix only reads. */
const BENCH_ACTOR = 'iam-bench-cluster';
const READ_SCOPES = ['assignments:read', 'access:check'];
/** The routed reads per read class and pool, being added to the instances' metrics. */
const READ_METRIC = 'iam_db_read_statements_total';
/** How long the cluster is watched idle before each run: the statements it sends with no request (checks, background work). */
const IDLE_SECONDS = 3;
const CATCH_UP_TIMEOUT_MS = 600_000;
const REPLICA_SERVING_TIMEOUT_MS = 15_000;

interface Configuration {
  instances: number;
  replica: boolean;
}

/** What PgBouncer passed to a server (SHOW STATS), by server: `primary` (iam) and `replica` (iam_replica). */
type StatementCounts = Record<string, { statements: number; transactions: number }>;
/** iam_db_read_statements_total summed over the instances, by `pool|read_class`. */
type ReadCounts = Map<string, number>;

interface Sample {
  statements: StatementCounts;
  reads?: ReadCounts;
  cpu: CpuSnapshot;
}

interface InstanceReadiness {
  instance: string;
  replicas: Array<{ name: string; serving: boolean; lag_seconds: number | null }>;
}

export interface ClusterConfigurationResult extends Configuration {
  label: string;
  loadAverageBefore: number[];
  /** Seconds the replica took to replay the primary's WAL before this configuration (after seeding: the whole tenant). */
  replicaCatchUpSeconds?: number;
  mix: LoadResult;
  /** Requests/s of the mix divided by that of 1 instance without the replica. */
  ratioToOneInstance: number | null;
  /** Every round of this configuration (this result is the median one), in the order they ran. */
  rounds: Array<{ requestsPerSecond: number; p50Ms: number | null; p99Ms: number | null; errors: number; loadAverage1m: number }>;
  /** From PgBouncer's SHOW STATS, by server (primary, replica). */
  statements: {
    /** With no request, over IDLE_SECONDS before the warm-up: health checks, replica checks, background work. */
    idlePerSecond: Record<string, number>;
    /** During the measured run. */
    duringRun: Record<string, number>;
    /** (during the run - idle rate x duration) / requests: the statements one request of the mix costs. */
    perRequest: Record<string, number>;
  };
  /** Where the routed reads went: the instances' metric when they have it, else their /health/ready replicas. */
  reads:
    | { source: typeof READ_METRIC; statements: Array<{ pool: string; readClass: string; statements: number }> }
    | { source: '/health/ready'; note: string; readiness: InstanceReadiness[] };
  cpu: CpuUsage & {
    /** CPU ms per request of the mix, by group (other: what no piece of the cluster accounts for). */
    msPerRequest: Record<string, number>;
    /** % of one core each group used with no request, over IDLE_SECONDS before the warm-up (background work, checks). */
    idleCorePercent: Record<string, number>;
  };
}

export interface ClusterBenchReport {
  date: string;
  machine: MachineFacts;
  settings: {
    users: number;
    durationSeconds: number;
    warmupSeconds: number;
    connections: number;
    instancePoolSize: number;
    pgbouncerPoolSize: number;
    baseDir: string;
    ports: typeof CLUSTER_BENCH_PORTS;
    /** The reads of the mix, in the order every connection sends them. */
    mix: string[];
    rounds: number;
    seededThisRun: boolean;
  };
  programs: string[];
  configurations: ClusterConfigurationResult[];
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const quiet = () => undefined;
const clock = () => new Date().toISOString().slice(11, 19);

/** The cluster benchmark; `onStop` receives what stops everything (Ctrl-C, a crash). */
export async function benchCluster(onStop: (stop: () => Promise<void>) => void): Promise<void> {
  const users = positiveInteger('users', 10_000);
  const settings = {
    users,
    durationSeconds: positiveInteger('duration', 10),
    rounds: positiveInteger('rounds', 1),
    warmupSeconds: warmupSeconds(),
    connections: positiveInteger('connections', 16),
    instancePoolSize: positiveInteger('pool', 10),
    pgbouncerPoolSize: positiveInteger('pgbouncer-pool', 20),
    baseDir: argument('base-dir', DEFAULT_BASE_DIR)!,
  };
  if (argument('cpu-prof') !== undefined) throw new Error('--cpu-prof is not supported with --cluster');
  const instanceCounts = listArgument('instances', '1,2,3', (value) => {
    const count = Number(value);
    return Number.isInteger(count) && count >= 1 && count <= MAX_INSTANCES ? count : undefined;
  });
  const replicaModes = listArgument('replica', 'off,on', (value) => ({ off: false, on: true })[value]);
  const configurations: Configuration[] = instanceCounts.flatMap((instances) =>
    replicaModes.map((replica) => ({ instances, replica })),
  );
  const only = argument('only');
  const selected = (scenario: { name: string }) =>
    only === undefined || only.split('|').some((part) => scenario.name.includes(part));
  buildIfStale();
  const loadAverageAtStart = loadAverage();

  const clusterFor = ({ instances, replica }: Configuration) =>
    new LocalCluster({
      ...CLUSTER_BENCH_PORTS,
      baseDir: settings.baseDir,
      instances,
      replica,
      instancePoolSize: settings.instancePoolSize,
      pgbouncerPoolSize: settings.pgbouncerPoolSize,
      // As the single-service benchmark runs it: no log line per request.
      logLevel: 'warn',
      // Instances are stopped between configurations, never under load.
      shutdownDrainMs: 0,
    });
  // Finds every piece through the pid files, whatever configuration started it.
  const everything = clusterFor({ instances: MAX_INSTANCES, replica: true });
  let client: Client | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      await client?.end().catch(report);
      const stopped = await everything.stop().catch((error: unknown) => {
        report(error);
        return [];
      });
      if (stopped.length > 0) say(`stopped the cluster (${stopped.join(', ')})`);
    })());
  onStop(stopAll);

  try {
    const leftover = await everything.stop();
    if (leftover.length > 0) say(`stopped what an earlier run left running: ${leftover.join(', ')}`);
    // The primary and the replica stay up from here to the end; the rest is started per configuration.
    const prepare = clusterFor({ instances: 1, replica: true });
    const programs = await prepare.installPackages(say);
    say(`${clock()} starting the cluster under ${settings.baseDir} (HAProxy on ${CLUSTER_BENCH_PORTS.haproxyPort})`);
    await prepare.start(say);
    client = new Client({ connectionString: prepare.primary.url() });
    client.on('error', report);
    await client.connect();
    const postgres = (await client.query<{ version: string }>('SELECT version()')).rows[0].version;
    const { tenant, seeded } = await seededTenant(client, users, process.argv.includes('--reseed'));
    const caughtUp = await waitCaughtUp(prepare);
    say(`${clock()} the replica has replayed the primary's WAL (${caughtUp} s)`);

    const headers = { authorization: `Bearer ${prepare.token(tenant.tenantId, READ_SCOPES, BENCH_ACTOR)}` };
    const ids = await collectIds(client, tenant, prepare.url, headers);
    const mix = readMix(readScenarios(ids, settings.durationSeconds).filter(selected));
    if (mix.steps.length === 0) throw new Error(`--only ${only}: no read of the mix matches`);
    await checkAnswers(prepare.url, mix, headers);
    await stopServingPieces(prepare);

    const load: LoadOptions = { ...settings, headers };
    const runs = configurations.map(() => [] as ClusterConfigurationResult[]);
    for (let round = 1; round <= settings.rounds; round += 1) {
      if (settings.rounds > 1) say(`${clock()} round ${round} of ${settings.rounds}`);
      for (const [index, configuration] of configurations.entries()) {
        runs[index].push(await measure(clusterFor(configuration), configuration, mix, load, client));
      }
    }
    const results = runs.map(medianRound);
    const reference = results.find((result) => result.instances === 1 && !result.replica);
    for (const result of results) result.ratioToOneInstance = reference ? throughputRatio(result.mix, reference.mix) : null;

    const benchReport: ClusterBenchReport = {
      date: new Date().toISOString(),
      machine: machineFacts(postgres, loadAverageAtStart),
      settings: {
        ...settings,
        ports: CLUSTER_BENCH_PORTS,
        mix: mix.steps.map((step) => step.label),
        seededThisRun: seeded,
      },
      programs: await programVersions(programs),
      configurations: results,
    };
    printClusterReport(benchReport);
    if (only === undefined) writeReport(`test/bench/results/cluster-${users}.json`, benchReport);
  } finally {
    await stopAll();
  }
}

/** `--name a,b,c`, each value parsed; exits with a message on one it does not know. */
function listArgument<T>(name: string, fallback: string, parse: (value: string) => T | undefined): T[] {
  const raw = argument(name, fallback)!;
  const values = raw.split(',').map((value) => value.trim());
  const parsed = values.map(parse);
  if (values.length === 0 || parsed.some((value) => value === undefined)) {
    process.stderr.write(`--${name}: cannot use ${raw} (for example --${name} ${fallback})\n`);
    process.exit(2);
  }
  return parsed as T[];
}

function configurationLabel({ instances, replica }: Configuration): string {
  return `${instances} instance${instances === 1 ? '' : 's'}, ${replica ? 'replica' : 'no replica'}`;
}

/** The bench tenant on the cluster's primary: seeded (through its direct URL) when missing, or again when asked. */
async function seededTenant(client: Client, users: number, reseed: boolean): Promise<{ tenant: BenchTenant; seeded: boolean }> {
  const slug = benchTenantSlug(users);
  const exists = (await client.query('SELECT 1 FROM tenants WHERE slug = $1', [slug])).rowCount === 1;
  if (exists && !reseed) return { tenant: await loadBenchTenant(client, users), seeded: false };
  say(exists ? `seeding ${slug} again (--reseed)` : `no tenant ${slug} on the cluster's primary yet: seeding it`);
  const started = Date.now();
  const bar = new SingleBar({ format: 'seeding |{bar}| {percentage}% | {step}', hideCursor: true }, Presets.shades_classic);
  await seedBenchTenant(client, users, {
    start: (total, step) => bar.start(total, 0, { step }),
    increment: (step) => bar.increment(1, { step }),
    stop: () => bar.stop(),
  });
  say(`${clock()} seeded ${slug} on the primary in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { tenant: await loadBenchTenant(client, users), seeded: true };
}

/** Waits until the replica has replayed everything the primary had flushed when called; returns the seconds it took. */
async function waitCaughtUp(cluster: LocalCluster): Promise<number> {
  const started = Date.now();
  const [{ lsn }] = await cluster.primary.query<{ lsn: string }>('SELECT pg_current_wal_flush_lsn()::text AS lsn');
  const caughtUp = await waitUntil(
    async () => {
      try {
        const [row] = await cluster.replica.query<{ done: boolean | null }>(
          'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done',
          [lsn],
        );
        return row.done === true;
      } catch {
        return false;
      }
    },
    CATCH_UP_TIMEOUT_MS,
    250,
  );
  if (!caughtUp)
    throw new Error(`the replica did not replay the primary's WAL up to ${lsn} within ${CATCH_UP_TIMEOUT_MS / 1000} s`);
  return Math.round((Date.now() - started) / 100) / 10;
}

/** The round with the median requests/s (the lower one of an even count), with every round's figures. */
function medianRound(rounds: ClusterConfigurationResult[]): ClusterConfigurationResult {
  const median = [...rounds].sort((a, b) => a.mix.requestsPerSecond - b.mix.requestsPerSecond)[
    Math.floor((rounds.length - 1) / 2)
  ];
  return {
    ...median,
    rounds: rounds.map((round) => ({
      requestsPerSecond: round.mix.requestsPerSecond,
      p50Ms: round.mix.p50Ms,
      p99Ms: round.mix.p99Ms,
      errors: round.mix.errors,
      loadAverage1m: round.loadAverageBefore[0],
    })),
  };
}

/** One request of every read of the mix through HAProxy before any load: each must answer its status. */
async function checkAnswers(url: string, mix: Scenario, headers: Record<string, string>): Promise<void> {
  for (const step of mix.steps) {
    const { method, path, body } = step.request({});
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status !== step.expect) {
      throw new Error(`${step.label}: ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    }
  }
}

/** Stops HAProxy, the instances and PgBouncer; the primary and the replica keep running. */
async function stopServingPieces(cluster: LocalCluster): Promise<void> {
  await cluster.stopHaProxy();
  await Promise.all(cluster.instances.map((instance) => cluster.stopInstance(instance.index)));
  await cluster.stopPgBouncer();
}

async function measure(
  cluster: LocalCluster,
  configuration: Configuration,
  mix: Scenario,
  load: LoadOptions,
  client: Client,
): Promise<ClusterConfigurationResult> {
  const label = configurationLabel(configuration);
  say(`${clock()} ${label}: starting`);
  let replicaCatchUpSeconds: number | undefined;
  if (configuration.replica) {
    await cluster.startReplica();
    replicaCatchUpSeconds = await waitCaughtUp(cluster);
  } else {
    await cluster.stopReplica();
  }
  await cluster.start(quiet);
  try {
    if (configuration.replica) await waitReplicaServing(cluster);
    await settle(client);
    const loadAverageBefore = loadAverage();
    const groups = processGroups(cluster, configuration);
    const idleCpuFrom = cpuSnapshot();
    const idleFrom = await statementCounts(cluster);
    await sleep(IDLE_SECONDS * 1000);
    const idleTo = await statementCounts(cluster);
    const idleCpu = cpuUsage(idleCpuFrom, cpuSnapshot(), groups);
    if (load.warmupSeconds > 0) {
      say(`${clock()} ${label}: warm-up ${load.warmupSeconds} s`);
      await drive(cluster.url, mix, { ...load, durationSeconds: load.warmupSeconds, warmupSeconds: 0 });
      await settle(client);
    }
    say(`${clock()} ${label}: ${load.durationSeconds} s at ${load.connections} connections`);
    const before = await sample(cluster);
    const mixResult = await drive(cluster.url, mix, { ...load, warmupSeconds: 0 });
    const after = await sample(cluster);
    const readiness = await instanceReadiness(cluster);

    const idlePerSecond = perSecond(difference(idleFrom, idleTo), idleCpu.seconds);
    const duringRun = difference(before.statements, after.statements);
    const cpu = cpuUsage(before.cpu, after.cpu, groups);
    const requests = Math.max(1, mixResult.requests);
    const perRequest: Record<string, number> = {};
    for (const [server, count] of Object.entries(duringRun)) {
      perRequest[server] = round(Math.max(0, count - (idlePerSecond[server] ?? 0) * cpu.seconds) / requests);
    }
    perRequest.total = round(Object.values(perRequest).reduce((sum, value) => sum + value, 0));
    return {
      ...configuration,
      label,
      loadAverageBefore,
      ...(replicaCatchUpSeconds === undefined ? {} : { replicaCatchUpSeconds }),
      mix: mixResult,
      ratioToOneInstance: null,
      rounds: [],
      statements: { idlePerSecond, duringRun, perRequest },
      reads: readsByPool(before.reads, after.reads, readiness),
      cpu: {
        ...cpu,
        msPerRequest: Object.fromEntries(
          Object.entries(cpu.cpuSeconds).map(([group, seconds]) => [group, round((seconds * 1000) / requests)]),
        ),
        idleCorePercent: Object.fromEntries(
          Object.entries(idleCpu.cpuSeconds).map(([group, seconds]) => [group, Math.round((seconds / idleCpu.seconds) * 100)]),
        ),
      },
    };
  } finally {
    await stopServingPieces(cluster);
  }
}

/** Until every instance's /health/ready shows a replica serving reads (they check it every 200 ms). */
async function waitReplicaServing(cluster: LocalCluster): Promise<void> {
  const serving = await waitUntil(
    async () => (await instanceReadiness(cluster)).every((ready) => ready.replicas.some((replica) => replica.serving)),
    REPLICA_SERVING_TIMEOUT_MS,
    250,
  );
  if (!serving) say(`warning: not every instance sees the replica serving after ${REPLICA_SERVING_TIMEOUT_MS / 1000} s`);
}

/** Each instance's view of the replicas, from its own /health/ready (not through HAProxy). */
async function instanceReadiness(cluster: LocalCluster): Promise<InstanceReadiness[]> {
  return Promise.all(
    cluster.instances.map(async (instance) => {
      try {
        const response = await fetch(`${instance.url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
        const body = (await response.json()) as {
          data?: { replicas?: InstanceReadiness['replicas'] };
          replicas?: InstanceReadiness['replicas'];
        };
        return { instance: instance.name, replicas: body.data?.replicas ?? body.replicas ?? [] };
      } catch {
        return { instance: instance.name, replicas: [] };
      }
    }),
  );
}

async function sample(cluster: LocalCluster): Promise<Sample> {
  const [statements, reads] = await Promise.all([statementCounts(cluster), readCounts(cluster)]);
  return { statements, reads, cpu: cpuSnapshot() };
}

/** PgBouncer's totals per server since it started: statements (queries) and transactions. */
async function statementCounts(cluster: LocalCluster): Promise<StatementCounts> {
  const rows = await cluster.pgbouncer.show<{ database: string; total_query_count: string; total_xact_count: string }>('STATS');
  const counts: StatementCounts = {};
  for (const row of rows) {
    const server = { iam: 'primary', iam_replica: 'replica' }[row.database];
    if (server) counts[server] = { statements: Number(row.total_query_count), transactions: Number(row.total_xact_count) };
  }
  return counts;
}

function difference(from: StatementCounts, to: StatementCounts): Record<string, number> {
  return Object.fromEntries(
    Object.entries(to).map(([server, counts]) => [server, counts.statements - (from[server]?.statements ?? 0)]),
  );
}

function perSecond(counts: Record<string, number>, seconds: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([server, count]) => [server, round(count / seconds)]));
}

/**
 * READ_METRIC summed over the instances, from each one's METRICS_PORT; undefined when an
 * instance does not serve it (no metrics server, or a build without the metric).
 */
async function readCounts(cluster: LocalCluster): Promise<ReadCounts | undefined> {
  const totals: ReadCounts = new Map();
  for (const instance of cluster.instances) {
    let text: string;
    try {
      const response = await fetch(`http://127.0.0.1:${instance.metricsPort}/metrics`, { signal: AbortSignal.timeout(2_000) });
      if (response.status !== 200) return undefined;
      text = await response.text();
    } catch {
      return undefined;
    }
    if (!addReadCounts(text, totals)) return undefined;
  }
  return totals;
}

/**
 * Adds the READ_METRIC samples of one Prometheus text exposition to `totals` (by
 * `pool|read_class`); false when the exposition does not declare the metric.
 */
export function addReadCounts(text: string, totals: ReadCounts): boolean {
  if (!text.includes(`# TYPE ${READ_METRIC} `)) return false;
  const sample = new RegExp(`^${READ_METRIC}\\{([^}]*)\\}\\s+(\\S+)`);
  for (const line of text.split('\n')) {
    const match = sample.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map((label) => [label[1], label[2]]));
    const key = `${labels.pool}|${labels.read_class}`;
    totals.set(key, (totals.get(key) ?? 0) + Number(match[2]));
  }
  return true;
}

function readsByPool(
  before: ReadCounts | undefined,
  after: ReadCounts | undefined,
  readiness: InstanceReadiness[],
): ClusterConfigurationResult['reads'] {
  if (before === undefined || after === undefined) {
    return {
      source: '/health/ready',
      note:
        `the instances serve no ${READ_METRIC} on their METRICS_PORT: which server ran the statements is ` +
        `PgBouncer's count per database (statements), and each instance's replicas as /health/ready showed them after the run`,
      readiness,
    };
  }
  const statements = [...after].map(([key, count]) => {
    const [pool, readClass] = key.split('|');
    return { pool, readClass, statements: count - (before.get(key) ?? 0) };
  });
  return { source: READ_METRIC, statements: statements.filter((entry) => entry.statements > 0) };
}

/** The pieces whose CPU time is told apart: each a set of root pids (a PostgreSQL server: its postmaster). */
function processGroups(cluster: LocalCluster, configuration: Configuration): Record<string, number[]> {
  const pids = (...candidates: Array<number | undefined>) => candidates.filter((pid): pid is number => pid !== undefined);
  return {
    instances: pids(...cluster.instances.map((instance) => instance.pid())),
    primary: pids(cluster.primary.pid()),
    ...(configuration.replica ? { replica: pids(cluster.replica.pid()) } : {}),
    pgbouncer: pids(cluster.pgbouncer.pid()),
    haproxy: pids(cluster.haproxy.pid()),
    // autocannon runs in this process.
    'load generator': [process.pid],
  };
}

const CPU_GROUPS = ['instances', 'primary', 'replica', 'pgbouncer', 'haproxy', 'load generator', 'interrupts', 'other'];

export function printClusterReport(report: ClusterBenchReport): void {
  const { settings, configurations } = report;
  const show = (value: number | null | undefined) => (value === null || value === undefined ? '-' : String(value));
  const out = [
    '',
    `${settings.users} users, read mix of ${settings.mix.length} reads, ${settings.connections} connections through HAProxy, ` +
      `${settings.durationSeconds} s per configuration (+${settings.warmupSeconds} s warm-up)` +
      `${settings.rounds > 1 ? `, ${settings.rounds} rounds (the median round shown; req/s range of the rounds)` : ''}, ` +
      `instance pool ${settings.instancePoolSize}, PgBouncer pool ${settings.pgbouncerPoolSize} per server`,
    formatMachine(report.machine),
    `${report.machine.postgres}; ${report.programs.join(', ')}`,
    '',
    table(
      [
        'configuration',
        'req/s',
        ...(settings.rounds > 1 ? ['rounds'] : []),
        'x 1 inst',
        'p50 ms',
        'p99 ms',
        'max ms',
        'errors',
        'stmts/req',
        'on replica',
        'CPU busy',
        'load 1m',
      ],
      configurations.map((result) => {
        const { perRequest } = result.statements;
        const replicaShare = perRequest.total > 0 ? (perRequest.replica ?? 0) / perRequest.total : 0;
        return [
          result.label,
          show(result.mix.requestsPerSecond),
          ...(settings.rounds > 1 ? [roundsRange(result)] : []),
          show(result.ratioToOneInstance),
          show(result.mix.p50Ms),
          show(result.mix.p99Ms),
          show(result.mix.maxMs),
          show(result.mix.errors),
          show(perRequest.total),
          `${Math.round(replicaShare * 100)}%`,
          `${Math.round(result.cpu.busyFraction * 100)}%`,
          show(result.loadAverageBefore[0]),
        ];
      }),
    ),
    '',
    'CPU ms per request of the mix, by piece (interrupts: irq and softirq, much of it the loopback network; ' +
      'other: any other work on the machine)',
    table(
      ['configuration', ...CPU_GROUPS, 'total'],
      configurations.map((result) => [
        result.label,
        ...CPU_GROUPS.map((group) => show(result.cpu.msPerRequest[group])),
        show(round(Object.values(result.cpu.msPerRequest).reduce((sum, value) => sum + value, 0))),
      ]),
    ),
    '',
    'CPU with no request (background work, health and replica checks; 3 s before each warm-up), % of one core',
    table(
      ['configuration', ...CPU_GROUPS],
      configurations.map((result) => [result.label, ...CPU_GROUPS.map((group) => show(result.cpu.idleCorePercent[group]))]),
    ),
    '',
    'p50 ms of each read of the mix',
    table(
      ['read', ...configurations.map((result) => `${result.instances}${result.replica ? '+R' : ''}`)],
      (configurations[0]?.mix.steps ?? []).map((step, index) => [
        step.label,
        ...configurations.map((result) => show(result.mix.steps[index]?.p50Ms)),
      ]),
    ),
    '',
  ];
  for (const result of configurations) {
    const { statements, reads, cpu } = result;
    const byServer = Object.entries(statements.duringRun).map(([server, count]) => `${server} ${count}`);
    const idle = Object.entries(statements.idlePerSecond).map(([server, rate]) => `${server} ${rate}/s`);
    let routed: string;
    if (reads.source === READ_METRIC) {
      const byPool = new Map<string, number>();
      for (const entry of reads.statements) byPool.set(entry.pool, (byPool.get(entry.pool) ?? 0) + entry.statements);
      routed = `routed read statements by pool: ${[...byPool].map(([pool, count]) => `${pool} ${count}`).join(', ')}`;
    } else {
      const serving = reads.readiness.filter((ready) => ready.replicas.some((replica) => replica.serving)).length;
      routed = result.replica ? `replica serving on ${serving}/${reads.readiness.length} instances (/health/ready)` : '';
    }
    const others = cpu.otherCommands.map((command) => `${command.command} ${command.cpuSeconds} s`).join(', ');
    out.push(
      `${result.label}: statements by server (PgBouncer) ${byServer.join(', ')} (idle: ${idle.join(', ')})` +
        `${routed ? `; ${routed}` : ''}; CPU outside the cluster: ${others || 'none'}` +
        `${cpu.stealFraction > 0 ? `; steal ${Math.round(cpu.stealFraction * 100)}%` : ''}`,
    );
  }
  if (configurations.some((result) => result.reads.source !== READ_METRIC)) {
    out.push(`(${READ_METRIC} absent from the instances' /metrics: reads by server from PgBouncer's SHOW STATS instead)`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

function roundsRange(result: ClusterConfigurationResult): string {
  const rates = result.rounds.map((round) => round.requestsPerSecond);
  return `${Math.round(Math.min(...rates))}-${Math.round(Math.max(...rates))}`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function report(error: unknown): void {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
}
