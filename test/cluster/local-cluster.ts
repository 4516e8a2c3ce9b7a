import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mintDevelopmentToken } from '../../src/common/auth/development-token';
import { PLATFORM_ADMIN, TENANT_SCOPES } from '../../src/common/auth/scopes';
import { clusterPorts, ClusterSettings, LocalClusterOptions, resolveSettings } from './cluster-settings';
import { HaProxy, serverName, ServerState } from './haproxy';
import { InstanceDatabaseUrls, JwtSettings, ServiceInstance } from './instances';
import { findPostgresBinDir, findProgram, installPackages, Programs } from './packages';
import { PgBouncer, REPLICA_DATABASE } from './pgbouncer';
import { PostgresNode } from './postgres';
import { ensureDir, PieceError, portFree, portListener, run, untraversableAncestor, waitUntil } from './system';

export type { LocalClusterOptions } from './cluster-settings';

export type Log = (line: string) => void;

export interface PieceStatus {
  piece: string;
  up: boolean;
  pid?: number;
  port?: number;
  /** How to reach it (a URL or a command). */
  reach: string;
  /** More state: the replica's streaming, an instance's HAProxy check. */
  detail?: string;
}

const SERVING_TIMEOUT_MS = 30_000;
const MIGRATE_JS = 'dist/src/database/migrate.js';

/**
 * A local cluster of the service on one machine: a PostgreSQL primary and its streaming
 * replica, PgBouncer (transaction pooling) in front of both, N instances of the built
 * service, and HAProxy in front of the instances. Every piece can be started and stopped on
 * its own (tests stop the replica, kill an instance, restart it...). State lives under
 * `baseDir` (default .data/cluster): data directories, configurations, logs, pid files, so a
 * later process (`npm run cluster:down`) finds what an earlier one started.
 */
export class LocalCluster {
  readonly settings: ClusterSettings;
  private resolvedPrograms?: Programs;

  constructor(options: LocalClusterOptions = {}) {
    this.settings = resolveSettings(options);
  }

  /** HAProxy's URL: where clients talk to the service. */
  get url(): string {
    return this.haproxy.url;
  }

  get primary(): PostgresNode {
    return new PostgresNode(this.settings, 'primary', this.programs.postgresBin);
  }

  get replica(): PostgresNode {
    return new PostgresNode(this.settings, 'replica', this.programs.postgresBin);
  }

  get pgbouncer(): PgBouncer {
    return new PgBouncer(this.settings, this.programs.pgbouncer);
  }

  get haproxy(): HaProxy {
    return new HaProxy(this.settings, this.programs.haproxy);
  }

  instance(index: number): ServiceInstance {
    if (!Number.isInteger(index) || index < 1 || index > this.settings.instances) {
      throw new Error(`no instance ${index}: the cluster has instances 1 to ${this.settings.instances}`);
    }
    return new ServiceInstance(this.settings, index);
  }

  get instances(): ServiceInstance[] {
    return Array.from({ length: this.settings.instances }, (_, i) => new ServiceInstance(this.settings, i + 1));
  }

  /** The database URLs the instances get: through PgBouncer, and straight to the primary for migrations. */
  get databaseUrls(): InstanceDatabaseUrls {
    return {
      primary: this.pgbouncer.url(),
      direct: this.primary.url(),
      ...(this.settings.replica ? { replica: this.pgbouncer.url(REPLICA_DATABASE) } : {}),
    };
  }

  /**
   * The programs found on this machine. A missing one is named by its bare name: nothing of it
   * can be running then, so stopping and status work; starting it fails (start() installs first).
   */
  private get programs(): Programs {
    if (!this.resolvedPrograms) {
      const postgresBin = findPostgresBinDir();
      const programs = {
        postgresBin: postgresBin ?? '/usr/lib/postgresql/(not installed)/bin',
        pgbouncer: findProgram('pgbouncer') ?? 'pgbouncer',
        haproxy: findProgram('haproxy') ?? 'haproxy',
      };
      if (postgresBin === undefined || !programs.pgbouncer.startsWith('/') || !programs.haproxy.startsWith('/')) return programs;
      this.resolvedPrograms = programs;
    }
    return this.resolvedPrograms;
  }

  /** apt-get install of what is missing: postgresql (when no server binaries), pgbouncer, haproxy. */
  async installPackages(log: Log = () => undefined): Promise<Programs> {
    this.resolvedPrograms = await installPackages(log);
    return this.resolvedPrograms;
  }

  /**
   * Starts whatever is not running yet, in order: primary, replica, migrations, PgBouncer,
   * instances, HAProxy; then waits until HAProxy serves /health/ready through every instance
   * and returns them in the order they answered. Refuses before starting anything when a
   * port is taken by something else.
   */
  async start(log: Log = () => undefined): Promise<string[]> {
    await this.installPackages(log);
    this.prepareBaseDir();
    await this.assertPortsFree();
    const primary = await this.startPrimary();
    log(
      `PostgreSQL primary on ${this.settings.primaryPort}: ${primary === 'created' ? 'new (initdb)' : 'existing data directory'}`,
    );
    if (this.settings.replica) {
      const replica = await this.startReplica();
      const how = { created: 'new (pg_basebackup)', reused: 'existing data directory', rebuilt: 'rebuilt (pg_basebackup)' }[
        replica
      ];
      log(`PostgreSQL replica on ${this.settings.replicaPort}: ${how}, streaming`);
    }
    const applied = await this.migrate();
    log(applied.length > 0 ? `migrations applied: ${applied.length}` : 'migrations: none pending');
    log(`PgBouncer on ${this.settings.pgbouncerPort}...`);
    await this.startPgBouncer();
    log(`${this.settings.instances} instances on ${this.instances.map((instance) => instance.port).join(', ')}...`);
    await Promise.all(this.instances.map((instance) => this.startInstance(instance.index)));
    log(`HAProxy on ${this.settings.haproxyPort} (stats on ${this.settings.haproxyStatsPort})...`);
    await this.startHaProxy();
    return this.waitUntilServing();
  }

  /**
   * Stops everything that runs, found through the pid files (also after a crash of the
   * process that started it): instances (SIGTERM), HAProxy, PgBouncer, then the replica and
   * the primary (pg_ctl stop -m fast). Returns the pieces it stopped.
   */
  async stop(log: Log = () => undefined): Promise<string[]> {
    const stopped: string[] = [];
    const errors: string[] = [];
    const step = async (piece: string, stop: () => Promise<boolean>) => {
      try {
        if (await stop()) {
          stopped.push(piece);
          log(`stopped ${piece}`);
        }
      } catch (error) {
        errors.push(`${piece}: ${(error as Error).message}`);
      }
    };
    await Promise.all(this.instancesOnDisk().map((instance) => step(instance.name, () => instance.stop())));
    await step('haproxy', () => this.haproxy.stop());
    await step('pgbouncer', () => this.pgbouncer.stop());
    await step('replica', () => this.replica.stop());
    await step('primary', () => this.primary.stop());
    if (errors.length > 0) throw new Error(`could not stop everything:\n  ${errors.join('\n  ')}`);
    return stopped;
  }

  /** Starts the primary (initdb when it has no data directory); says whether its data directory was new. */
  async startPrimary(): Promise<'created' | 'reused'> {
    if (this.primary.pid() === undefined) await this.assertPortFree(this.settings.primaryPort, 'the primary');
    return this.primary.startPrimary();
  }

  stopPrimary(): Promise<boolean> {
    return this.primary.stop();
  }

  /**
   * Starts the replica and waits until it streams. It is built with pg_basebackup when it has
   * no data directory, or one copied from another primary (the primary was recreated).
   */
  async startReplica(): Promise<'created' | 'reused' | 'rebuilt'> {
    if (!this.settings.replica) throw new Error('this cluster has no replica (replica: false)');
    if (this.replica.pid() === undefined) await this.assertPortFree(this.settings.replicaPort, 'the replica');
    return this.replica.startReplica(this.primary);
  }

  stopReplica(): Promise<boolean> {
    return this.replica.stop();
  }

  /** recovery_min_apply_delay on the running replica (0 to apply at once again). */
  setReplicaApplyDelay(ms: number): Promise<void> {
    return this.replica.setApplyDelay(ms);
  }

  /**
   * Applies the pending migrations of the built service (dist, what the instances run)
   * straight to the primary, never through PgBouncer, in a process of its own. Returns their names.
   */
  async migrate(): Promise<string[]> {
    if (!existsSync(MIGRATE_JS)) throw new Error(`${MIGRATE_JS} is missing: run npm run build first`);
    const script = `require('./${MIGRATE_JS}').migrate(process.env.MIGRATION_URL).then((names) => console.log(JSON.stringify(names)))`;
    try {
      const { stdout } = await run(process.execPath, ['-e', script], {
        cwd: process.cwd(),
        env: { MIGRATION_URL: this.primary.url() },
        timeoutMs: 3_600_000,
      });
      return JSON.parse(stdout.trim().split('\n').pop() ?? '[]') as string[];
    } catch (error) {
      throw new Error(`migrations failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async startPgBouncer(): Promise<void> {
    if (this.pgbouncer.pid() === undefined) await this.assertPortFree(this.settings.pgbouncerPort, 'PgBouncer');
    await this.pgbouncer.start();
  }

  stopPgBouncer(): Promise<boolean> {
    return this.pgbouncer.stop();
  }

  async startHaProxy(): Promise<void> {
    if (this.haproxy.pid() === undefined) {
      await this.assertPortFree(this.settings.haproxyPort, 'HAProxy');
      await this.assertPortFree(this.settings.haproxyStatsPort, "HAProxy's stats page");
    }
    await this.haproxy.start();
  }

  stopHaProxy(): Promise<boolean> {
    return this.haproxy.stop();
  }

  /** Starts instance i (1-based) when it is not running and waits until /health/live answers. */
  async startInstance(index: number): Promise<void> {
    const instance = this.instance(index);
    if (instance.pid() === undefined) {
      await this.assertPortFree(instance.port, instance.name);
      await this.assertPortFree(instance.metricsPort, `${instance.name}'s metrics`);
    }
    await instance.start(instance.environment(this.databaseUrls, this.jwt()));
  }

  /** SIGTERM and wait (a graceful stop). */
  stopInstance(index: number): Promise<boolean> {
    return this.instance(index).stop();
  }

  /** Sends a signal to instance i without waiting (SIGKILL: a crash). */
  killInstance(index: number, signal: NodeJS.Signals = 'SIGKILL'): void {
    this.instance(index).kill(signal);
  }

  /**
   * Waits until HAProxy's checks see every instance UP and a GET /health/ready through
   * HAProxy has been answered 200 by each of them. Returns the instances in the order they
   * answered (round robin).
   */
  async waitUntilServing(timeoutMs = SERVING_TIMEOUT_MS): Promise<string[]> {
    const expected = this.instances.map((instance) => serverName(instance.index));
    await this.waitUntilUp(timeoutMs);
    const served: string[] = [];
    for (let attempt = 0; attempt < expected.length * 3 && !expected.every((name) => served.includes(name)); attempt++) {
      const response = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (response.status !== 200) throw new PieceError(`GET /health/ready through HAProxy answered ${response.status}`);
      served.push(response.headers.get('x-served-by') ?? '?');
    }
    const missing = expected.filter((name) => !served.includes(name));
    if (missing.length > 0) throw new Error(`HAProxy did not route /health/ready to ${missing.join(', ')}`);
    return served;
  }

  /**
   * Waits until HAProxy's checks see every instance UP (under load, where probes through
   * HAProxy interleave with other requests and cannot show each instance in turn).
   */
  async waitUntilUp(timeoutMs = SERVING_TIMEOUT_MS): Promise<void> {
    let notUp: ServiceInstance[] = [];
    let servers: ServerState[] = [];
    const allUp = await waitUntil(
      async () => {
        servers = await this.haproxy.servers().catch(() => []);
        const up = new Set(servers.filter((server) => server.status === 'UP').map((server) => server.name));
        notUp = this.instances.filter((instance) => !up.has(serverName(instance.index)));
        return notUp.length === 0;
      },
      timeoutMs,
      250,
    );
    if (!allUp) {
      const states = servers.map((server) => `${server.name} ${server.status}`).join(', ');
      throw new PieceError(
        `HAProxy does not see every instance ready after ${timeoutMs / 1000} s (${states || 'no stats page'})`,
        notUp[0]?.logFile,
      );
    }
  }

  /** Every piece: running or not, pid, port, how to reach it. */
  async status(): Promise<PieceStatus[]> {
    const { settings } = this;
    const primary = this.primary;
    const replica = this.replica;
    const pgbouncer = this.pgbouncer;
    const haproxy = this.haproxy;
    const haproxyPid = haproxy.pid();
    const servers = haproxyPid === undefined ? [] : await haproxy.servers().catch(() => []);
    const pieces: PieceStatus[] = [
      {
        piece: 'postgres primary',
        up: primary.pid() !== undefined,
        pid: primary.pid(),
        port: settings.primaryPort,
        reach: `psql ${primary.url()}`,
      },
    ];
    if (settings.replica) {
      const pid = replica.pid();
      pieces.push({
        piece: 'postgres replica',
        up: pid !== undefined,
        pid,
        port: settings.replicaPort,
        reach: `psql ${replica.url()}`,
        detail: pid === undefined ? undefined : await this.replicaState(),
      });
    }
    pieces.push({
      piece: 'pgbouncer',
      up: pgbouncer.pid() !== undefined,
      pid: pgbouncer.pid(),
      port: settings.pgbouncerPort,
      reach: `psql ${pgbouncer.url()}${settings.replica ? ` (or /${REPLICA_DATABASE}; admin: /pgbouncer)` : ' (admin: /pgbouncer)'}`,
    });
    for (const instance of this.instances) {
      const pid = instance.pid();
      const check = servers.find((server) => server.name === instance.name)?.status;
      pieces.push({
        piece: instance.name,
        up: pid !== undefined,
        pid,
        port: instance.port,
        reach: `${instance.url} (METRICS_PORT ${instance.metricsPort})`,
        detail: check === undefined ? undefined : `haproxy: ${check}`,
      });
    }
    pieces.push({
      piece: 'haproxy',
      up: haproxyPid !== undefined,
      pid: haproxyPid,
      port: settings.haproxyPort,
      reach: `${haproxy.url} (stats ${haproxy.statsUrl})`,
    });
    return pieces;
  }

  private async replicaState(): Promise<string> {
    try {
      const [row] = await this.replica.query<{ recovery: boolean; status: string | null }>(
        'SELECT pg_is_in_recovery() AS recovery, (SELECT status FROM pg_stat_wal_receiver) AS status',
      );
      return `${row.recovery ? 'in recovery' : 'NOT in recovery'}, ${row.status ?? 'not receiving'}`;
    } catch (error) {
      return `no answer: ${(error as Error).message}`;
    }
  }

  /**
   * A bearer token the instances accept: for a tenant (every tenant scope unless `scopes`),
   * or without a tenant a platform admin's.
   */
  token(tenantId?: string, scopes?: readonly string[], subject = 'local-cluster'): string {
    const jwt = this.jwt();
    return mintDevelopmentToken({
      secret: jwt.secret,
      tenantId,
      scopes: scopes ?? (tenantId === undefined ? [PLATFORM_ADMIN] : TENANT_SCOPES),
      subject,
      issuer: jwt.issuer,
      audience: jwt.audience,
    });
  }

  /** The instances' JWT settings; the secret is made once per cluster and kept in jwt.env. */
  jwt(): JwtSettings {
    const file = this.settings.paths.jwtEnv;
    const existing = existsSync(file) ? /^JWT_SECRET=(\S{32,})$/m.exec(readFileSync(file, 'utf8'))?.[1] : undefined;
    const jwt = {
      secret: existing ?? randomBytes(32).toString('hex'),
      issuer: this.settings.jwtIssuer,
      audience: this.settings.jwtAudience,
    };
    const content = `JWT_SECRET=${jwt.secret}\nJWT_ISSUER=${jwt.issuer}\nJWT_AUDIENCE=${jwt.audience}\n`;
    if (!existing || readFileSync(file, 'utf8') !== content) {
      ensureDir(this.settings.paths.base, 0o755);
      writeFileSync(file, content, { mode: 0o600 });
    }
    return jwt;
  }

  /** The base directory, traversable by the postgres user (its data directories are below). */
  private prepareBaseDir(): void {
    ensureDir(this.settings.paths.base, 0o755);
    const blocked = untraversableAncestor(this.settings.paths.primaryData);
    if (blocked) {
      throw new Error(
        `the postgres OS user cannot reach ${this.settings.paths.base}: ${blocked} is not traversable by others ` +
          `(chmod o+x ${blocked}, or choose another base directory)`,
      );
    }
  }

  /** Every port of a piece that is not running must be free: throws one message listing the taken ones. */
  async assertPortsFree(): Promise<void> {
    const running = new Set(
      (await this.status()).filter((piece) => piece.up).map((piece) => piece.piece.replace('postgres ', '')),
    );
    const taken: string[] = [];
    for (const { piece, port } of clusterPorts(this.settings)) {
      if (running.has(piece) || (await portFree(port))) continue;
      taken.push(`${port} (for ${piece}) is taken by ${(await portListener(port)) || 'another process'}`);
    }
    if (taken.length > 0) {
      throw new Error(
        `refusing to start: ports in use by something else:\n  ${taken.join('\n  ')}\nStop it, or choose other ports.`,
      );
    }
  }

  private async assertPortFree(port: number, piece: string): Promise<void> {
    if (!(await portFree(port))) {
      throw new Error(`refusing to start ${piece}: port ${port} is taken by ${(await portListener(port)) || 'another process'}`);
    }
  }

  /** Instances with a pid file, also beyond `instances` (a cluster started with more of them). */
  private instancesOnDisk(): ServiceInstance[] {
    const { run } = this.settings.paths;
    const indexes = new Set(this.instances.map((instance) => instance.index));
    if (existsSync(run)) {
      for (const file of readdirSync(run)) {
        const match = /^instance-(\d+)\.pid$/.exec(file);
        if (match) indexes.add(Number(match[1]));
      }
    }
    return [...indexes].sort((a, b) => a - b).map((index) => new ServiceInstance(this.settings, index));
  }
}
