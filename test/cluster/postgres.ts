import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ClusterSettings } from './cluster-settings';
import { chownToPostgres, ensureDir, PieceError, run, runningPid, waitUntil } from './system';

/**
 * The PostgreSQL primary and its streaming replica, each its own data directory and port,
 * run as the `postgres` OS user when we are root (initdb, pg_ctl and postgres refuse root).
 * Local development only: every connection from 127.0.0.1 is trusted.
 */

export const DATABASE = 'iam';
export const DB_USER = 'postgres';
/** The physical replication slot of the replica: the primary keeps the WAL it has not received, also while it is stopped. */
const SLOT = 'local_cluster_replica';
/** Written by us into each data directory and included from postgresql.conf. */
const NODE_CONF = 'local-cluster.conf';
const START_TIMEOUT_S = 60;

export type NodeRole = 'primary' | 'replica';

/**
 * postgresql.auto.conf of a replica with its primary_conninfo pointed at the primary's port
 * (pg_basebackup -R wrote the port the primary had then; the cluster's ports can change).
 */
export function withPrimaryPort(autoConf: string, primaryPort: number): string {
  return autoConf.replace(/^(primary_conninfo = '.*?\bport=)\d+/m, `$1${primaryPort}`);
}

export class PostgresNode {
  constructor(
    private readonly settings: ClusterSettings,
    readonly role: NodeRole,
    private readonly binDir: string,
  ) {}

  get dataDir(): string {
    return this.role === 'primary' ? this.settings.paths.primaryData : this.settings.paths.replicaData;
  }

  get port(): number {
    return this.role === 'primary' ? this.settings.primaryPort : this.settings.replicaPort;
  }

  get logFile(): string {
    return join(this.settings.paths.logs, `${this.role}.log`);
  }

  /** postgres://postgres@127.0.0.1:<port>/<database>, straight to this server (no PgBouncer). */
  url(database = DATABASE): string {
    return `postgres://${DB_USER}@127.0.0.1:${this.port}/${database}`;
  }

  get initialized(): boolean {
    return existsSync(join(this.dataDir, 'PG_VERSION'));
  }

  /** The postmaster's pid when it runs (from postmaster.pid; a reused pid of another process does not count). */
  pid(): number | undefined {
    return runningPid(join(this.dataDir, 'postmaster.pid'), this.dataDir);
  }

  private tool(name: string, args: string[], timeoutMs?: number) {
    return run(join(this.binDir, name), args, { asPostgres: true, cwd: this.settings.paths.base, timeoutMs });
  }

  /**
   * initdb, our pg_hba.conf and settings (once: an existing data directory is reused), then
   * start, then CREATE DATABASE iam when missing. Says whether the data directory was new.
   */
  async startPrimary(): Promise<'created' | 'reused'> {
    const outcome = this.initialized ? 'reused' : 'created';
    if (outcome === 'created') await this.initPrimary();
    this.writeNodeConf();
    await this.start();
    await this.withClient('postgres', async (client) => {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
    });
    return outcome;
  }

  private async initPrimary(): Promise<void> {
    rmSync(this.dataDir, { recursive: true, force: true });
    ensureDir(this.dataDir, 0o700, true);
    // -U postgres: the superuser is `postgres` whoever runs this (initdb names it after the OS user otherwise).
    await this.tool('initdb', ['-D', this.dataDir, '-U', DB_USER, '--auth=trust', '--encoding=UTF8', '--locale=C']);
    // Trust for 127.0.0.1 only (local development): ordinary connections and replication.
    this.writeOwned(
      join(this.dataDir, 'pg_hba.conf'),
      [
        '# Written by test/cluster/postgres.ts: a local development cluster, trusted from 127.0.0.1 only.',
        'local   all          all                 trust',
        'host    all          all   127.0.0.1/32  trust',
        'host    replication  all   127.0.0.1/32  trust',
        '',
      ].join('\n'),
    );
    const conf = join(this.dataDir, 'postgresql.conf');
    writeFileSync(
      conf,
      `${readFileSync(conf, 'utf8')}\n# The local cluster's settings (test/cluster/postgres.ts)\ninclude_if_exists = '${NODE_CONF}'\n`,
    );
  }

  /**
   * Builds the replica with pg_basebackup when it has no data directory, or when its data
   * comes from another primary (the primary was recreated), then starts it and waits until
   * it streams (from the primary's port of now, should it have moved). Says whether its data
   * directory was reused, new, or rebuilt.
   */
  async startReplica(primary: PostgresNode): Promise<'created' | 'reused' | 'rebuilt'> {
    let outcome: 'created' | 'reused' | 'rebuilt' = this.initialized ? 'reused' : 'created';
    if (outcome === 'reused' && (await this.systemIdentifier()) !== (await primary.systemIdentifier())) {
      rmSync(this.dataDir, { recursive: true, force: true });
      outcome = 'rebuilt';
    }
    if (outcome !== 'reused') await this.baseBackup(primary);
    else this.pointAtPrimary(primary);
    this.writeNodeConf();
    await this.start();
    await this.waitStreaming();
    return outcome;
  }

  private pointAtPrimary(primary: PostgresNode): void {
    const path = join(this.dataDir, 'postgresql.auto.conf');
    const before = readFileSync(path, 'utf8');
    const after = withPrimaryPort(before, primary.port);
    if (after !== before) this.writeOwned(path, after);
  }

  private async baseBackup(primary: PostgresNode): Promise<void> {
    await primary.withClient('postgres', (client) =>
      client.query(
        `SELECT pg_create_physical_replication_slot($1) WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)`,
        [SLOT],
      ),
    );
    rmSync(this.dataDir, { recursive: true, force: true });
    ensureDir(this.dataDir, 0o700, true);
    // -R writes standby.signal and primary_conninfo (and primary_slot_name) into the copy;
    // -X stream copies the WAL written meanwhile over a second connection.
    try {
      await this.tool(
        'pg_basebackup',
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(primary.port),
          '-U',
          DB_USER,
          '-D',
          this.dataDir,
          '-R',
          '-X',
          'stream',
          '-S',
          SLOT,
          '-c',
          'fast',
        ],
        600_000,
      );
    } catch (error) {
      rmSync(this.dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The settings that differ between the nodes, rewritten at every start (pg_basebackup copies the primary's). */
  private writeNodeConf(): void {
    const common = [
      '# Written by test/cluster/postgres.ts at every start; included from postgresql.conf.',
      "listen_addresses = '127.0.0.1'",
      `port = ${this.port}`,
      // TCP only: no socket in /var/run/postgresql beside the machine's own cluster.
      "unix_socket_directories = ''",
      `cluster_name = 'local-${this.role}'`,
      'max_connections = 200',
      "log_line_prefix = '%m [%p] %q%a '",
    ];
    const perRole =
      this.role === 'primary'
        ? [
            'wal_level = replica',
            'max_wal_senders = 10',
            'max_replication_slots = 10',
            // A replica stopped for long must not fill the disk: past this its slot is given up.
            'max_slot_wal_keep_size = 1GB',
          ]
        : [
            'hot_standby = on',
            // Queries on the replica are not cancelled because the primary vacuumed rows they still see.
            'hot_standby_feedback = on',
          ];
    this.writeOwned(join(this.dataDir, NODE_CONF), [...common, ...perRole, ''].join('\n'));
  }

  private writeOwned(path: string, content: string): void {
    writeFileSync(path, content, { mode: 0o600 });
    chownToPostgres(path);
  }

  private async start(): Promise<void> {
    if (this.pid() !== undefined) return;
    ensureDir(this.settings.paths.logs, 0o755, true);
    try {
      await this.tool('pg_ctl', ['-D', this.dataDir, '-l', this.logFile, '-w', '-t', String(START_TIMEOUT_S), 'start'], 90_000);
    } catch (error) {
      throw new PieceError(`PostgreSQL ${this.role} did not start: ${(error as Error).message}`, this.logFile);
    }
  }

  /** pg_ctl stop -m fast (clients are disconnected, a clean shutdown checkpoint is written). */
  async stop(): Promise<boolean> {
    if (!this.initialized || this.pid() === undefined) return false;
    await this.tool('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', '-t', String(START_TIMEOUT_S), 'stop'], 90_000);
    return true;
  }

  private async waitStreaming(): Promise<void> {
    const streaming = await waitUntil(
      async () => {
        try {
          const rows = await this.query<{ status: string }>('SELECT status FROM pg_stat_wal_receiver');
          return rows[0]?.status === 'streaming';
        } catch {
          return false;
        }
      },
      30_000,
      250,
    );
    if (!streaming) throw new PieceError('the replica started but does not stream from the primary within 30 s', this.logFile);
  }

  /**
   * recovery_min_apply_delay on the replica: it receives WAL at once but applies it `ms`
   * later (a replica that lags). ALTER SYSTEM works on a hot standby (it writes
   * postgresql.auto.conf, not WAL); the setting is reloadable. Waits until it is in effect.
   */
  async setApplyDelay(ms: number): Promise<void> {
    if (!Number.isInteger(ms) || ms < 0) throw new Error(`apply delay must be a whole number of milliseconds >= 0, got ${ms}`);
    await this.query(`ALTER SYSTEM SET recovery_min_apply_delay = '${ms}ms'`);
    await this.query('SELECT pg_reload_conf()');
    const applied = await waitUntil(async () => (await this.applyDelayMs()) === ms, 5_000, 50);
    if (!applied) throw new Error(`recovery_min_apply_delay did not become ${ms}ms after the reload`);
  }

  async applyDelayMs(): Promise<number> {
    const [row] = await this.query<{ ms: string }>(
      `SELECT setting AS ms FROM pg_settings WHERE name = 'recovery_min_apply_delay'`,
    );
    return Number(row.ms);
  }

  /** The "Database system identifier" of pg_controldata: the same on a primary and its copies. */
  async systemIdentifier(): Promise<string> {
    const { stdout } = await this.tool('pg_controldata', ['-D', this.dataDir]);
    return /Database system identifier:\s*(\d+)/.exec(stdout)?.[1] ?? '';
  }

  async query<T extends object>(sql: string, params: unknown[] = [], database = DATABASE): Promise<T[]> {
    return this.withClient(database, async (client) => (await client.query<T>(sql, params)).rows);
  }

  async withClient<T>(database: string, work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({
      connectionString: this.url(database),
      application_name: 'local-cluster',
      connectionTimeoutMillis: 5_000,
    });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }
}
