import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DatabaseSettings {
  url: string;
  poolSize?: number;
  migrationsRun?: boolean;
}

/** The one description of the database connection, shared by the app, the CLI and tests. */
export function databaseOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: settings.migrationsRun ?? false,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    logging: false,
    extra: {
      max: settings.poolSize ?? 10,
      // Fail fast instead of queueing forever when the database is unreachable.
      connectionTimeoutMillis: 5_000,
      // A database that stops answering fails the request (503) instead of hanging it.
      query_timeout: 5_000,
      application_name: 'iam-app-assignments',
      // Short OLTP statements: JIT compilation (on by default, for costly plans) adds
      // 15-50 ms to a 1 ms query.
      options: '-c jit=off',
    },
  };
}
