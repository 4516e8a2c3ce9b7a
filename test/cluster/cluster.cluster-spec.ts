import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { LocalCluster } from './local-cluster';
import { call, counterSum, get, type Outcome, postOnce, underLoad } from './traffic';

/**
 * The service as it runs on more than one machine, with the real processes: a PostgreSQL
 * primary and a streaming replica (pg_basebackup), PgBouncer in transaction mode in front of
 * both, three instances of the built service, HAProxy in front of them. Faults are real
 * too: the replica delayed (recovery_min_apply_delay) and stopped, an instance SIGKILLed.
 * Ports of their own, so that a `npm run cluster:up` cluster can run beside it, and below
 * Linux's ephemeral range (32768-60999), where an outgoing connection of any process may
 * hold a port for a while.
 */
const cluster = new LocalCluster({
  baseDir: '.data/cluster-test',
  primaryPort: 15532,
  replicaPort: 15533,
  pgbouncerPort: 16532,
  haproxyPort: 3200,
  haproxyStatsPort: 8504,
  firstInstancePort: 3201,
  firstMetricsPort: 9201,
  instances: 3,
  // 3 × 100 client connections to PgBouncer, which serves them with 20 server connections.
  instancePoolSize: 100,
  pgbouncerPoolSize: 20,
  shutdownDrainMs: 2_000,
  logLevel: 'warn',
  extraEnv: { DATABASE_REPLICA_CHECK_MS: '100', DATABASE_REPLICA_MAX_LAG_MS: '5000' },
});

let tenantId: string;
let token: string;
let applicationId: string;
const users = () => `/api/v1/tenants/${tenantId}/users`;

const failed = (outcomes: Outcome[]) => outcomes.filter((outcome) => outcome.error !== undefined || (outcome.status ?? 0) >= 500);
const summary = (outcomes: Outcome[]) => {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) {
    const key = outcome.error ?? String(outcome.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

async function scrapeAll(): Promise<string[]> {
  return Promise.all(
    cluster.instances.map(async (instance) => {
      try {
        const response = await fetch(`http://127.0.0.1:${instance.metricsPort}/metrics`, { signal: AbortSignal.timeout(5_000) });
        return await response.text();
      } catch {
        return ''; // an instance that is down has nothing to say
      }
    }),
  );
}

const readStatements = async (pool: string) => counterSum(await scrapeAll(), 'iam_db_read_statements_total', { pool });

/** Whether every running instance sees the replica serving (or not), by its own readiness. */
async function replicaServingEverywhere(serving: boolean): Promise<boolean> {
  const answers = await Promise.all(cluster.instances.map((instance) => get(instance.url, '/health/ready', token)));
  return answers.every(
    (answer) =>
      answer.status === 200 &&
      (answer.body as { data: { replicas: Array<{ serving: boolean }> } }).data.replicas[0].serving === serving,
  );
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(100);
  }
}

beforeAll(async () => {
  await cluster.stop();
  rmSync(cluster.settings.baseDir, { recursive: true, force: true });
  await cluster.start((line) => process.stdout.write(`cluster: ${line}\n`));
  const admin = cluster.token();
  const tenant = await call(cluster.url, 'POST', '/api/v1/tenants', admin, {
    body: { name: 'Cluster', slug: `cluster-${randomUUID().slice(0, 8)}` },
  });
  expect(tenant.status).toBe(201);
  tenantId = (tenant.body as { data: { id: string } }).data.id;
  token = cluster.token(tenantId);
  const application = await call(cluster.url, 'POST', `/api/v1/tenants/${tenantId}/applications`, token, {
    body: { name: 'Payroll' },
  });
  expect(application.status).toBe(201);
  applicationId = (application.body as { data: { id: string } }).data.id;
  await waitFor(() => replicaServingEverywhere(true), 30_000, 'every instance routes reads to the replica');
}, 600_000);

afterAll(async () => {
  await cluster.stop();
}, 120_000);

describe('PgBouncer in transaction mode', () => {
  it('gives every session through PgBouncer the database defaults (jit off, the 5 s limit), with no startup options', async () => {
    const client = new Client({ connectionString: cluster.pgbouncer.url() });
    await client.connect();
    try {
      const { rows } = await client.query<{ jit: string; timeout: string }>(
        `SELECT current_setting('jit') AS jit, current_setting('statement_timeout') AS timeout`,
      );
      expect(rows[0]).toEqual({ jit: 'off', timeout: '5s' });
    } finally {
      await client.end();
    }
    const [config] = await cluster.pgbouncer
      .show<{ key: string; value: string }>('CONFIG')
      .then((rows) => rows.filter((row) => row.key === 'pool_mode'));
    expect(config.value).toBe('transaction');
  });

  it('serves 300 concurrent clients on a pool of 20 server connections without an error', async () => {
    const peaks = { clients: 0, servers: 0 };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const pools = await cluster.pgbouncer.show<Record<string, string>>('POOLS');
        for (const pool of pools.filter((row) => row.database === 'iam')) {
          const clients = Number(pool.cl_active) + Number(pool.cl_waiting);
          const servers = ['sv_active', 'sv_idle', 'sv_used', 'sv_tested', 'sv_login'].reduce(
            (sum, key) => sum + Number(pool[key] ?? 0),
            0,
          );
          peaks.clients = Math.max(peaks.clients, clients);
          peaks.servers = Math.max(peaks.servers, servers);
        }
        await sleep(50);
      }
    })();
    // 300 clients at once, each a write and three reads through HAProxy, the instances and PgBouncer.
    const outcomes = (
      await Promise.all(
        Array.from({ length: 300 }, async (_, client) => {
          const results: Outcome[] = [];
          const email = `pool-${client}-${randomUUID()}@example.com`;
          results.push(...(await postOnce(cluster.url, users(), token, { email, display_name: `Pool ${client}` }, 1)));
          results.push(await get(cluster.url, `${users()}?per_page=5`, token));
          results.push(
            await get(cluster.url, `/api/v1/tenants/${tenantId}/applications/${applicationId}/effective-users`, token),
          );
          results.push(await get(cluster.url, `/api/v1/tenants/${tenantId}/audit-events?per_page=5`, token));
          return results;
        }),
      )
    ).flat();
    sampling = false;
    await sampler;
    process.stdout.write(
      `pgbouncer: ${outcomes.length} requests from 300 clients, ${JSON.stringify(summary(outcomes))}, peak ${peaks.clients} client connections on ${peaks.servers} server connections\n`,
    );
    expect(summary(outcomes)).toEqual({ '201': 300, '200': 900 });
    expect(peaks.servers).toBeLessThanOrEqual(20);
    expect(peaks.clients).toBeGreaterThan(20);
  });

  it('takes 300 direct clients at once, each in a transaction, on those 20 server connections', async () => {
    const clients = Array.from({ length: 300 }, () => new Client({ connectionString: cluster.pgbouncer.url() }));
    await Promise.all(clients.map((client) => client.connect()));
    try {
      const results = await Promise.allSettled(
        clients.map(async (client) => {
          await client.query('BEGIN');
          const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE tenant_id = $1', [
            tenantId,
          ]);
          await client.query('COMMIT');
          return rows[0].n;
        }),
      );
      expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });
});

describe('Read-your-writes with a delayed replica', () => {
  beforeAll(async () => {
    await cluster.setReplicaApplyDelay(500);
  });

  afterAll(async () => {
    await cluster.setReplicaApplyDelay(0);
  });

  /** A write through HAProxy, then at once a read of it (through HAProxy: maybe another instance), with or without the token. */
  async function writeThenRead(withToken: boolean): Promise<'fresh' | 'stale'> {
    const email = `ryw-${randomUUID()}@example.com`;
    const written = await call(cluster.url, 'POST', users(), token, { body: { email, display_name: 'Mine' } });
    expect(written.status).toBe(201);
    const consistency = written.headers.get('consistency-token');
    expect(consistency).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    const read = await call(cluster.url, 'GET', `${users()}?q=${encodeURIComponent(email)}`, token, {
      headers: withToken ? { 'Consistency-Token': consistency! } : {},
    });
    expect(read.status).toBe(200);
    return (read.body as { data: unknown[] }).data.length === 1 ? 'fresh' : 'stale';
  }

  async function tries(count: number, withToken: boolean): Promise<Record<'fresh' | 'stale', number>> {
    const seen = { fresh: 0, stale: 0 };
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < count) {
          next += 1;
          seen[await writeThenRead(withToken)] += 1;
        }
      }),
    );
    return seen;
  }

  it('never shows a stale answer over 1,000 tries when the read presents the token', async () => {
    const seen = await tries(1_000, true);
    process.stdout.write(`read-your-writes with the token: ${JSON.stringify(seen)}\n`);
    expect(seen).toEqual({ fresh: 1_000, stale: 0 });
  });

  it('shows stale answers without the token (so the test above can fail): the replica serves them', async () => {
    const replicaBefore = await readStatements('replica1');
    const seen = await tries(200, false);
    const replicaAfter = await readStatements('replica1');
    process.stdout.write(
      `read-your-writes without the token: ${JSON.stringify(seen)}; replica served ${replicaAfter - replicaBefore} statements\n`,
    );
    expect(seen.stale).toBeGreaterThan(0);
    expect(replicaAfter).toBeGreaterThan(replicaBefore);
  });

  it('serves a read with the token from the replica once the replica has replayed it', async () => {
    const email = `later-${randomUUID()}@example.com`;
    const written = await call(cluster.url, 'POST', users(), token, { body: { email, display_name: 'Later' } });
    await sleep(1_500);
    const replicaBefore = await readStatements('replica1');
    const primaryBefore = await readStatements('requests');
    const read = await call(cluster.url, 'GET', `${users()}?q=${encodeURIComponent(email)}`, token, {
      headers: { 'Consistency-Token': written.headers.get('consistency-token')! },
    });
    expect((read.body as { data: unknown[] }).data).toHaveLength(1);
    // The tenant's existence, the page and its total: all three on the replica.
    expect(await readStatements('replica1')).toBe(replicaBefore + 3);
    expect(await readStatements('requests')).toBe(primaryBefore);
  });
});

describe('A replica lagging past the bound', () => {
  afterAll(async () => {
    await cluster.setReplicaApplyDelay(0);
  });

  it('is skipped until it has caught up again', async () => {
    // DATABASE_REPLICA_MAX_LAG_MS is 5 s: a write the replica holds back for 8 s puts it past the bound.
    await cluster.setReplicaApplyDelay(8_000);
    const written = await call(cluster.url, 'POST', users(), token, {
      body: { email: `lagging-${randomUUID()}@example.com`, display_name: 'Lagging' },
    });
    expect(written.status).toBe(201);
    await waitFor(() => replicaServingEverywhere(false), 8_000, 'every instance skips the lagging replica');
    const ready = await get(cluster.instance(1).url, '/health/ready', token);
    const [replica] = (ready.body as { data: { replicas: Array<{ lag_seconds: number }> } }).data.replicas;
    expect(replica.lag_seconds).toBeGreaterThan(5);
    const replicaBefore = await readStatements('replica1');
    const read = await get(cluster.url, `${users()}?per_page=1`, token);
    expect(read.status).toBe(200);
    expect(await readStatements('replica1')).toBe(replicaBefore);
    await cluster.setReplicaApplyDelay(0);
    await waitFor(() => replicaServingEverywhere(true), 15_000, 'every instance serves from the replica again');
  });
});

describe('The replica stopped under load', () => {
  it('leaves the reads to the primary with no 5xx, and gets them back once restarted', async () => {
    let stop = false;
    const paths = [
      `${users()}?per_page=10`,
      `/api/v1/tenants/${tenantId}/applications/${applicationId}/effective-users`,
      `/api/v1/tenants/${tenantId}/audit-events?per_page=10`,
    ];
    const load = underLoad(
      12,
      () => stop,
      async (worker, iteration) => [await get(cluster.url, paths[(worker + iteration) % paths.length], token)],
    );
    let replicaBack: number;
    let outcomes: Outcome[];
    try {
      await sleep(1_000);
      expect(await cluster.stopReplica()).toBe(true);
      await waitFor(() => replicaServingEverywhere(false), 10_000, 'every instance skips the stopped replica');
      const primaryWhileDown = await readStatements('requests');
      const replicaWhileDown = await readStatements('replica1');
      await sleep(2_000);
      expect(await readStatements('requests')).toBeGreaterThan(primaryWhileDown);
      expect(await readStatements('replica1')).toBe(replicaWhileDown);
      await cluster.startReplica();
      await waitFor(() => replicaServingEverywhere(true), 30_000, 'every instance routes reads to the restarted replica');
      replicaBack = await readStatements('replica1');
      await sleep(1_500);
    } finally {
      // Whatever failed above, the load stops (a test left loading would keep Jest from exiting).
      stop = true;
      outcomes = await load;
    }
    process.stdout.write(`replica stop/start: ${outcomes.length} reads, ${JSON.stringify(summary(outcomes))}\n`);
    expect(failed(outcomes)).toEqual([]);
    expect(await readStatements('replica1')).toBeGreaterThan(replicaBack);
  });
});

describe('An instance killed and another restarted under load, through HAProxy', () => {
  it('fails no GET, and POSTs retried with their Idempotency-Key take effect once', async () => {
    let stop = false;
    const gets = underLoad(
      12,
      () => stop,
      async (worker, iteration) => [
        await get(
          cluster.url,
          iteration % 2 === 0 ? `${users()}?per_page=10` : `/api/v1/tenants/${tenantId}/applications/${applicationId}/assignees`,
          token,
        ),
      ],
    );
    const emails: string[] = [];
    const posts: Outcome[][] = [];
    const writes = underLoad(
      4,
      () => stop,
      async (worker, iteration) => {
        const email = `kill-${worker}-${iteration}-${randomUUID()}@example.com`;
        emails.push(email);
        const attempts = await postOnce(cluster.url, users(), token, { email, display_name: 'Kill' });
        posts.push(attempts);
        return attempts;
      },
    );
    let directPosts: Outcome[][];
    let getOutcomes: Outcome[];
    try {
      await sleep(1_000);
      // 50 POSTs straight to instance 1, killed as soon as the first is answered: some have
      // committed there, others are cut off in flight; their client sends them again, with the
      // same key, through HAProxy.
      let firstAnswer: () => void = () => undefined;
      const answered = new Promise<void>((resolve) => (firstAnswer = resolve));
      const direct = Promise.all(
        Array.from({ length: 50 }, (_, index) => {
          const email = `direct-${index}-${randomUUID()}@example.com`;
          emails.push(email);
          return postOnce(cluster.url, users(), token, { email, display_name: 'Direct' }, 30, {
            firstUrl: cluster.instance(1).url,
            onAnswer: () => firstAnswer(),
          });
        }),
      );
      await answered;
      cluster.killInstance(1, 'SIGKILL');
      directPosts = await direct;
      posts.push(...directPosts);
      await sleep(1_000);
      // A rolling restart of instance 2: SIGTERM (drain, then stop), and start again.
      await cluster.stopInstance(2);
      await cluster.startInstance(2);
      await cluster.startInstance(1);
      // HAProxy's checks see all three up again (probes through it would mix with the load).
      await cluster.waitUntilUp();
      await sleep(1_000);
    } finally {
      stop = true;
      [getOutcomes] = await Promise.all([gets, writes]);
    }
    process.stdout.write(
      `kill and restart: ${getOutcomes.length} GETs ${JSON.stringify(summary(getOutcomes))}; ${posts.length} POSTs, ${posts.filter((attempts) => attempts.length > 1).length} retried ` +
        `(of the 50 sent to the killed instance: ${directPosts.filter((attempts) => attempts.length > 1).length}, first attempts ${JSON.stringify(summary(directPosts.map((attempts) => attempts[0])))})\n`,
    );
    expect(failed(getOutcomes)).toEqual([]);
    expect(posts.map((attempts) => attempts[attempts.length - 1].status)).toEqual(posts.map(() => 201));
    // The kill did cut POSTs off: their clients had to send them again.
    expect(directPosts.filter((attempts) => attempts.length > 1).length).toBeGreaterThan(0);
    // Each POST created its user exactly once, however many times it was sent.
    const primary = new Client({ connectionString: cluster.primary.url() });
    await primary.connect();
    try {
      const { rows } = await primary.query<{ email: string; n: number }>(
        `SELECT email, count(*)::int AS n FROM users WHERE tenant_id = $1 AND email = ANY($2) GROUP BY email`,
        [tenantId, emails],
      );
      expect(rows).toHaveLength(emails.length);
      expect(rows.every((row) => row.n === 1)).toBe(true);
    } finally {
      await primary.end();
    }
  });
});
