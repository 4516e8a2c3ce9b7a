import type { Pool } from 'pg';
import { DataSource, EntityManager, QueryFailedError, QueryRunner } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { sqlRecorder } from './sql-recorder';

/** Where a statement runs: the pool (reads), or a transaction's manager (writes). */
export type Queryable = DataSource | EntityManager;

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
  sqlRecorder.current?.(sql);
  if (source instanceof DataSource && !source.driver.isReplicated) {
    // A statement outside a transaction goes straight to the driver's pool: a TypeORM query
    // runner per statement cost more CPU than the cheapest reads themselves. Failures keep
    // TypeORM's shape, which the error mapping reads.
    const pool = (source.driver as PostgresDriver).master as Pool;
    try {
      const result = await pool.query(sql, parameters);
      return { rows: result.rows as T[], affected: result.rowCount ?? 0 };
    } catch (error) {
      throw new QueryFailedError(sql, parameters, error as Error);
    }
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
