import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { runSql } from '../../src/common/database/run-sql';
import { validateEnvironment } from '../../src/config/environment';
import { databaseOptions } from '../../src/database/database.options';
import { PrimaryWalRepository } from '../../src/replicas/primary-wal.repository';
import { ReadRouter } from '../../src/replicas/read-router';
import { openBenchDatabase, positiveInteger } from './bench-database';

/**
 * `npm run bench:read-routing -- [--statements N] [--concurrency C]`: what a routed read costs
 * the service's process per statement, for the two ways of reaching a replica the issue
 * allows: the ReadRouter's own pg pool per replica, and TypeORM's replication mode (a
 * `slave` query runner per statement, as TypeORM's `DataSource.query` does when replicated).
 * The "replica" is the benchmark database itself (DATABASE_URL, or the embedded one): the
 * statement is the same trivial one for both, so the difference is the client side.
 */
const SQL = 'SELECT $1::int AS n';

async function measure(name: string, statements: number, concurrency: number, run: (n: number) => Promise<unknown>) {
  for (let i = 0; i < 500; i += 1) await run(i); // warm-up: connections open, code optimized
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < statements) await run((next += 1));
    }),
  );
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuUs = (used.user + used.system) / statements;
  process.stdout.write(
    `${name.padEnd(44)} ${((statements / wall) * 1000).toFixed(0).padStart(8)} statements/s   ${cpuUs.toFixed(1).padStart(6)} µs CPU of this process per statement\n`,
  );
}

async function main(): Promise<void> {
  const statements = positiveInteger('statements', 50_000);
  const concurrency = positiveInteger('concurrency', 16);
  const database = await openBenchDatabase();
  const plain = new DataSource(databaseOptions({ url: database.url, poolSize: concurrency }));
  const replicated = new DataSource({
    ...(databaseOptions({ url: database.url, poolSize: concurrency }) as PostgresDataSourceOptions),
    url: undefined,
    replication: { master: { url: database.url }, slaves: [{ url: database.url }] },
  });
  await Promise.all([plain.initialize(), replicated.initialize()]);
  const env = validateEnvironment({ DATABASE_REPLICA_URLS: database.url, DATABASE_POOL_SIZE: String(concurrency) });
  const router = new ReadRouter(plain, new PrimaryWalRepository(plain), env);
  await router.checkAll();
  const withoutReplicas = new ReadRouter(plain, new PrimaryWalRepository(plain), validateEnvironment({}));
  try {
    process.stdout.write(`${statements} statements, ${concurrency} at a time, on ${new URL(database.url).host}\n`);
    // The primary's own database is no standby, so the router would send everything to the primary: mark it serving for the measure.
    const replica = (router as unknown as { replicas: Array<{ status: { serving: boolean } }> }).replicas[0];
    replica.status.serving = true;
    await measure('ReadRouter: pg pool per replica', statements, concurrency, (n) => runSql(router.for('lists'), SQL, [n]));
    await measure('TypeORM replication: slave query runner', statements, concurrency, async (n) => {
      const runner = replicated.createQueryRunner('slave');
      try {
        return await runner.query(SQL, [n]);
      } finally {
        await runner.release();
      }
    });
    await measure('ReadRouter without replicas: the primary', statements, concurrency, (n) =>
      runSql(withoutReplicas.for('lists'), SQL, [n]),
    );
    await measure('no routing: the primary pool (for reference)', statements, concurrency, (n) => runSql(plain, SQL, [n]));
  } finally {
    await router.onApplicationShutdown();
    await Promise.all([plain.destroy(), replicated.destroy()]);
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
