import type { Pool } from 'pg';
import { DataSource, EntityManager, QueryFailedError, QueryRunner } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { sqlRecorder } from './sql-recorder';

/**
 * A read that a router sends to a replica or to the primary (src/replicas decides which):
 * `runSql` hands its statements over to it.
 */
export abstract class RoutedSource {
  abstract run<T>(sql: string, parameters: unknown[]): Promise<SqlResult<T>>;
}

/** Where a statement runs: the pool (reads), a transaction's manager (writes), or a routed read. */
export type Queryable = DataSource | EntityManager | RoutedSource;

export interface SqlResult<T> {
  rows: T[];
  affected: number;
}

/**
 * Runs one parameterised statement and returns its rows and affected count the same way
 * for every command (TypeORM's plain `query()` shapes DELETE/UPDATE results differently).
 * Inside a transaction pass its EntityManager, so the statement joins it. Every statement a
 * repository sends goes through here (the SQL snapshot in src/queries records them).
 */
export async function runSql<T = Record<string, unknown>>(
  source: Queryable,
  sql: string,
  parameters: unknown[],
): Promise<SqlResult<T>> {
  // A routed read comes back here for the server it chose (and is recorded then).
  if (source instanceof RoutedSource) return source.run<T>(sql, parameters);
  sqlRecorder.current?.(sql);
  if (source instanceof DataSource && !source.driver.isReplicated) {
    // A statement outside a transaction goes straight to the driver's pool: a TypeORM query
    // runner per statement cost more CPU than the cheapest reads themselves.
    return queryPool<T>(poolOf(source), sql, parameters);
  }
  const joined = source instanceof EntityManager ? source.queryRunner : undefined;
  const runner: QueryRunner = joined ?? (source instanceof DataSource ? source : source.connection).createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return { rows: (result.records ?? []) as T[], affected: result.affected ?? 0 };
  } finally {
    if (!joined) await runner.release();
  }
}

/** One statement on a pg pool; failures keep TypeORM's shape, which the error mapping reads. */
export async function queryPool<T>(pool: Pool, sql: string, parameters: unknown[]): Promise<SqlResult<T>> {
  try {
    const result = await pool.query(sql, parameters);
    return { rows: result.rows as T[], affected: result.rowCount ?? 0 };
  } catch (error) {
    throw new QueryFailedError(sql, parameters, error as Error);
  }
}

/** The pg pool behind a TypeORM DataSource (the driver's master pool). */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as PostgresDriver).master as Pool;
}
