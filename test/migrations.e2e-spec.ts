import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { validateEnvironment } from '../src/config/environment';
import { databaseOptions } from '../src/database/database.options';
import { migrate } from '../src/database/migrate';
import { MIGRATIONS } from '../src/database/migrations';
import { createDatabase, dropDatabase } from './support/test-database';

const MIGRATIONS_TABLE = 'typeorm_migrations';

function serverUrl(): string {
  const url = process.env.TEST_SERVER_URL;
  if (!url) throw new Error('TEST_SERVER_URL is not set: run the tests through jest (global setup)');
  return url;
}

async function publicTables(dataSource: DataSource): Promise<string[]> {
  const rows = await dataSource.query<Array<{ table_name: string }>>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

async function executedMigrations(dataSource: DataSource): Promise<string[]> {
  const rows = await dataSource.query<Array<{ name: string }>>(`SELECT name FROM "${MIGRATIONS_TABLE}" ORDER BY id`);
  return rows.map((row) => row.name);
}

/** Each test gets a database of its own on the suite's server, dropped afterwards. */
describe('Migrations', () => {
  let databaseName: string;
  let dataSource: DataSource | undefined;

  beforeEach(() => {
    databaseName = `iam_migrations_${process.pid}_${randomUUID().slice(0, 8)}`;
  });

  afterEach(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    dataSource = undefined;
    await dropDatabase(serverUrl(), databaseName);
  });

  it('match the entities exactly, and undo one by one back to an empty schema', async () => {
    const url = await createDatabase(serverUrl(), databaseName);
    dataSource = new DataSource(databaseOptions({ url, role: 'migrations' }));
    await dataSource.initialize();

    const applied = await dataSource.runMigrations({ transaction: 'each' });
    expect(applied.map((migration) => migration.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
    expect(await dataSource.showMigrations()).toBe(false);

    // What `npm run migration:generate` would write: nothing, or the entities and migrations drifted.
    const drift = await dataSource.driver.createSchemaBuilder().log();
    const pending = drift.upQueries.map((query) => query.query);
    if (pending.length > 0) {
      throw new Error(
        'Entities and migrations have drifted: `npm run migration:generate -- src/database/migrations/<Name>` ' +
          `would write a migration running:\n  ${pending.join(';\n  ')}`,
      );
    }
    expect(pending).toEqual([]);

    const entityTables = dataSource.entityMetadatas.map((metadata) => metadata.tableName).sort();
    expect(await publicTables(dataSource)).toEqual([...entityTables, MIGRATIONS_TABLE].sort());

    for (let remaining = MIGRATIONS.length; remaining > 0; remaining -= 1) {
      await dataSource.undoLastMigration({ transaction: 'each' });
      expect(await executedMigrations(dataSource)).toEqual(MIGRATIONS.slice(0, remaining - 1).map((migration) => migration.name));
    }
    expect(await publicTables(dataSource)).toEqual([MIGRATIONS_TABLE]);
  });

  it('are applied by migrate(), which main.ts runs at start-up by default (DATABASE_MIGRATIONS_RUN)', async () => {
    const env = validateEnvironment({ NODE_ENV: 'test' });
    expect(env.DATABASE_MIGRATIONS_RUN).toBe(true);

    const url = await createDatabase(serverUrl(), databaseName);
    expect(await migrate(url)).toEqual(MIGRATIONS.map((migration) => migration.name));
    expect(await migrate(url)).toEqual([]);
    // The service's own connection (as AppModule makes it) finds the schema complete and applies nothing.
    dataSource = new DataSource(databaseOptions({ url, poolSize: env.DATABASE_POOL_SIZE, role: 'requests' }));
    await dataSource.initialize();

    const entityTables = dataSource.entityMetadatas.map((metadata) => metadata.tableName).sort();
    expect(entityTables.length).toBeGreaterThan(0);
    expect(await publicTables(dataSource)).toEqual([...entityTables, MIGRATIONS_TABLE].sort());
    expect(await executedMigrations(dataSource)).toEqual(MIGRATIONS.map((migration) => migration.name));
    expect(await dataSource.showMigrations()).toBe(false);
  });

  it("are never applied by the service's own connection", async () => {
    const url = await createDatabase(serverUrl(), databaseName);
    dataSource = new DataSource(databaseOptions({ url, role: 'requests' }));
    await dataSource.initialize();

    expect(await publicTables(dataSource)).toEqual([]);
    expect(await dataSource.showMigrations()).toBe(true);
  });
});
