import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/**
 * What a connection pool is for, which decides its time limits:
 * - `requests`: answering API requests. A statement is cancelled by the server after 5 s
 *   (the database's own default, see the SettingsThatSurvivePooling migration; answered 504,
 *   the request took too long); the client gives up half a second later only when the
 *   server does not answer at all (a lost connection: 503).
 * - `background`: the workers' batches (rebuilds of the effective-access index, deletions),
 *   sized to take about a second, allowed a minute (`inBackgroundBatch`).
 * - `migrations`: schema changes and the first fill of the index, no limit. Always a direct
 *   connection (DATABASE_MIGRATION_URL), so it may set its session up at start.
 *
 * The pools of requests and of the background send no startup options and set nothing for
 * the session, so they work through a transaction-mode pooler (PgBouncer) and on replicas.
 */
export type ConnectionRole = 'requests' | 'background' | 'migrations';

/** The name of the background pool's DataSource (`@InjectDataSource(BACKGROUND_CONNECTION)`). */
export const BACKGROUND_CONNECTION = 'background';

export interface DatabaseSettings {
  url: string;
  poolSize?: number;
  role?: ConnectionRole;
}

/** The server's limit on a request's statement: the database default the SettingsThatSurvivePooling migration sets. */
export const REQUEST_STATEMENT_TIMEOUT_MS = 5_000;

/** When a request's pool gives up on a server that does not answer at all (a lost connection: 503). */
export const REQUEST_QUERY_TIMEOUT_MS = REQUEST_STATEMENT_TIMEOUT_MS + 500;

/** The one description of a database connection, shared by the app, the CLI and tests. */
export function databaseOptions(settings: DatabaseSettings): DataSourceOptions {
  const role = settings.role ?? 'requests';
  return {
    type: 'postgres',
    url: settings.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    logging: false,
    extra: {
      max: settings.poolSize ?? (role === 'requests' ? 10 : role === 'background' ? 2 : 1),
      // Fail fast instead of queueing forever when the database is unreachable.
      connectionTimeoutMillis: 5_000,
      // A server that stops answering altogether fails the request (503) instead of hanging it.
      ...(role === 'requests' ? { query_timeout: REQUEST_QUERY_TIMEOUT_MS } : {}),
      application_name: role === 'requests' ? 'iam-app-assignments' : `iam-app-assignments-${role}`,
      // A direct session of its own: no time limit, and no JIT before the migration that turns it off for the database.
      ...(role === 'migrations' ? { options: '-c jit=off -c statement_timeout=0' } : {}),
    },
  };
}
