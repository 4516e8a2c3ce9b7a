import { chmodSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { databaseOptions } from '../database/database.options';
import { EmbeddedDatabase } from '../database/embedded-database';
import { freePort } from '../database/free-port';
import { migrate } from '../database/migrate';
import { buildSqlSnapshot, SNAPSHOT_DIR } from '../queries/sql-snapshot';

/**
 * `npm run sql:generate`: writes src/queries/*.sql, the statements of every @GenerateSql
 * repository method. Runs them against DATABASE_URL when set (a scratch database is fine:
 * it creates and removes one fixture tenant), otherwise against a throwaway embedded
 * PostgreSQL with the migrations applied.
 */
async function main(): Promise<void> {
  let embedded: EmbeddedDatabase | undefined;
  let url = process.env.DATABASE_URL;
  if (!url) {
    const parent = mkdtempSync(join(tmpdir(), 'iam-sql-snapshot-'));
    chmodSync(parent, 0o755);
    embedded = new EmbeddedDatabase({ dataDir: join(parent, 'data'), port: await freePort() });
    url = await embedded.start();
  }
  const dataSource = new DataSource(databaseOptions({ url }));
  try {
    await migrate(url);
    await dataSource.initialize();
    const files = await buildSqlSnapshot(dataSource);
    for (const stale of readdirSync(SNAPSHOT_DIR).filter((name) => name.endsWith('.sql') && !files.has(name))) {
      unlinkSync(join(SNAPSHOT_DIR, stale));
    }
    for (const [name, content] of files) writeFileSync(join(SNAPSHOT_DIR, name), content);
    process.stdout.write(`wrote ${files.size} files to ${SNAPSHOT_DIR}\n`);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    if (embedded) {
      await embedded.stop();
      rmSync(join(embedded.dataDir, '..'), { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
