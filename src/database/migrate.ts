import { DataSource } from 'typeorm';
import { databaseOptions } from './database.options';

/**
 * Applies the pending migrations over a connection of their own (no time limit: the first
 * fill of the effective-access index takes minutes on a large tenant) and returns their names.
 */
export async function migrate(url: string): Promise<string[]> {
  const dataSource = new DataSource(databaseOptions({ url, role: 'migrations' }));
  await dataSource.initialize();
  try {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
