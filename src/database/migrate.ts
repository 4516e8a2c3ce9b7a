import { DataSource } from 'typeorm';
import { databaseOptions } from './database.options';

/** Instances that start together take turns at the migrations (a session-level advisory lock). */
const MIGRATION_LOCK = 7_240_412_002;

/**
 * Applies the pending migrations over a direct connection of their own (no time limit: the
 * first fill of the effective-access index takes minutes on a large tenant) and returns
 * their names. Several instances starting at once run them one at a time: the pool has a
 * single connection, so the lock taken on it is held by the session the migrations run on.
 */
export async function migrate(url: string): Promise<string[]> {
  const dataSource = new DataSource(databaseOptions({ url, role: 'migrations' }));
  await dataSource.initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      return (await dataSource.runMigrations({ transaction: 'each' })).map((migration) => migration.name);
    } finally {
      await dataSource.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await dataSource.destroy();
  }
}
