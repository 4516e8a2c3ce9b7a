import { Presets, SingleBar } from 'cli-progress';
import { Client } from 'pg';
import { migrate } from '../../src/database/migrate';
import { openBenchDatabase, positiveInteger } from './bench-database';
import { BENCH_APPLICATIONS, benchGroupCount, seedBenchTenant, SHAPE_ONLY_APPLICATIONS } from './seed-tenant';

/** `npm run bench:seed -- --users N`: the benchmark tenant (see seed-tenant.ts), with a progress bar. */

async function main(): Promise<void> {
  const users = positiveInteger('users', 10_000);
  const database = await openBenchDatabase();
  const started = Date.now();
  try {
    await migrate(database.url);
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const bar = new SingleBar({ format: 'seeding |{bar}| {percentage}% | {step}', hideCursor: true }, Presets.shades_classic);
      await seedBenchTenant(client, users, {
        start: (total, step) => bar.start(total, 0, { step }),
        increment: (step) => bar.increment(1, { step }),
        stop: () => bar.stop(),
      });
    } finally {
      await client.end();
    }
  } finally {
    await database.stop();
  }
  process.stdout.write(
    `seeded ${users} users, ${benchGroupCount(users)} groups, ${BENCH_APPLICATIONS + SHAPE_ONLY_APPLICATIONS.length} applications in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
