import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ClusterSettings } from './cluster-settings';
import { DATABASE, DB_USER } from './postgres';
import { chownToPostgres, ensureDir, PieceError, portAnswers, run, runningPid, terminate, waitUntil } from './system';

/** PgBouncer's name for the replica's `iam` database. */
export const REPLICA_DATABASE = 'iam_replica';

/**
 * pgbouncer.ini for the local cluster. Transaction pooling: a server connection belongs to a
 * client for one transaction only, so session state (SET, session advisory locks, LISTEN,
 * named prepared statements, startup `options`) must not be relied on by the service.
 */
export function pgbouncerConfig(settings: ClusterSettings): string {
  const { paths } = settings;
  const databases = [
    `${DATABASE} = host=127.0.0.1 port=${settings.primaryPort} dbname=${DATABASE}`,
    ...(settings.replica ? [`${REPLICA_DATABASE} = host=127.0.0.1 port=${settings.replicaPort} dbname=${DATABASE}`] : []),
  ];
  return [
    '; Written by test/cluster/pgbouncer.ts at every start of the local cluster.',
    '[databases]',
    ...databases,
    '',
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${settings.pgbouncerPort}`,
    '; TCP only (no socket in /tmp or /var/run/postgresql).',
    'unix_socket_dir =',
    '; Local development only: no password; the user must still be listed in auth_file.',
    'auth_type = trust',
    `auth_file = ${paths.pgbouncerUsers}`,
    '; The admin console: psql -h 127.0.0.1 -p <port> -U postgres pgbouncer -c "SHOW POOLS"',
    `admin_users = ${DB_USER}`,
    `stats_users = ${DB_USER}`,
    'pool_mode = transaction',
    `default_pool_size = ${settings.pgbouncerPoolSize}`,
    `max_client_conn = ${settings.pgbouncerMaxClientConn}`,
    '; After a failed login (a stopped replica) new clients get an error at once for this many',
    '; seconds, then PgBouncer tries the server again: 1 s, so a restarted replica is used quickly.',
    'server_login_retry = 1',
    '; PgBouncer refuses startup parameters it does not track. extra_float_digits (sent by JDBC and',
    '; other drivers; node-pg does not) is harmless to drop. Nothing else is ignored: a client sending',
    '; `options` (-c settings) or statement_timeout is refused, because in transaction pooling such',
    '; session settings would not follow it to the server connection each transaction gets.',
    'ignore_startup_parameters = extra_float_digits',
    `logfile = ${join(paths.logs, 'pgbouncer.log')}`,
    `pidfile = ${paths.pgbouncerPid}`,
    '',
  ].join('\n');
}

export class PgBouncer {
  constructor(
    private readonly settings: ClusterSettings,
    private readonly program: string,
  ) {}

  get logFile(): string {
    return join(this.settings.paths.logs, 'pgbouncer.log');
  }

  /** postgres://postgres@127.0.0.1:<port>/iam (primary) or /iam_replica. */
  url(database: string = DATABASE): string {
    return `postgres://${DB_USER}@127.0.0.1:${this.settings.pgbouncerPort}/${database}`;
  }

  pid(): number | undefined {
    return runningPid(this.settings.paths.pgbouncerPid, 'pgbouncer');
  }

  /** Writes the configuration and starts PgBouncer as a daemon (as the postgres user when root). */
  async start(): Promise<void> {
    if (this.pid() !== undefined) return;
    const { paths } = this.settings;
    ensureDir(paths.pgbouncerDir, 0o700, true);
    ensureDir(paths.logs, 0o755, true);
    for (const [path, content] of [
      [paths.pgbouncerIni, pgbouncerConfig(this.settings)],
      [paths.pgbouncerUsers, `"${DB_USER}" ""\n`],
    ]) {
      writeFileSync(path, content, { mode: 0o600 });
      chownToPostgres(path);
    }
    // A pid file left by a crash would make it refuse to start.
    if (existsSync(paths.pgbouncerPid)) rmSync(paths.pgbouncerPid);
    try {
      await run(this.program, ['-d', paths.pgbouncerIni], { asPostgres: true, cwd: paths.base });
    } catch (error) {
      throw new PieceError(`PgBouncer did not start: ${(error as Error).message}`, this.logFile);
    }
    const up = await waitUntil(async () => this.pid() !== undefined && (await portAnswers(this.settings.pgbouncerPort)), 10_000);
    if (!up) throw new PieceError(`PgBouncer does not answer on port ${this.settings.pgbouncerPort}`, this.logFile);
  }

  /** SIGINT: safe shutdown (waits for the transactions in flight), SIGKILL after 10 s. */
  async stop(): Promise<boolean> {
    const pid = this.pid();
    if (pid === undefined) return false;
    await terminate(pid, 'SIGINT', 10_000);
    return true;
  }

  /** A SHOW command on the admin console (SHOW POOLS, SHOW SERVERS, SHOW STATS...). */
  async show<T extends object = Record<string, unknown>>(what: string): Promise<T[]> {
    const client = new Client({ connectionString: this.url('pgbouncer'), connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      // Simple query protocol (no parameters): the admin console knows no other.
      return (await client.query<T>(`SHOW ${what}`)).rows;
    } finally {
      await client.end();
    }
  }
}
