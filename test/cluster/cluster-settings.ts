import { join, resolve } from 'node:path';

/** What a caller may choose; everything has a default. */
export interface LocalClusterOptions {
  /** State directory: data, configs, logs, pid files (default `.data/cluster`, from the working directory). */
  baseDir?: string;
  primaryPort?: number;
  replicaPort?: number;
  pgbouncerPort?: number;
  haproxyPort?: number;
  haproxyStatsPort?: number;
  /** Instance i (from 1) listens on firstInstancePort + i - 1 ... */
  firstInstancePort?: number;
  /** ... and serves its metrics on firstMetricsPort + i - 1. */
  firstMetricsPort?: number;
  /** Number of service instances behind HAProxy. */
  instances?: number;
  /** DATABASE_POOL_SIZE of each instance (client connections to PgBouncer). */
  instancePoolSize?: number;
  /** PgBouncer's default_pool_size: server connections per database (iam, iam_replica). */
  pgbouncerPoolSize?: number;
  pgbouncerMaxClientConn?: number;
  /** Build and run the streaming replica (and PgBouncer's iam_replica database). */
  replica?: boolean;
  /** SHUTDOWN_DRAIN_MS of the instances. */
  shutdownDrainMs?: number;
  logLevel?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  /** Added to (or, with undefined, removed from) every instance's environment. */
  extraEnv?: Record<string, string | undefined>;
}

export interface ClusterPaths {
  base: string;
  primaryData: string;
  replicaData: string;
  pgbouncerDir: string;
  pgbouncerIni: string;
  pgbouncerUsers: string;
  pgbouncerPid: string;
  haproxyDir: string;
  haproxyCfg: string;
  haproxyPid: string;
  logs: string;
  run: string;
  /** JWT_SECRET, JWT_ISSUER and JWT_AUDIENCE of the instances, as NAME=value lines. */
  jwtEnv: string;
}

export type ClusterSettings = Required<Omit<LocalClusterOptions, 'extraEnv'>> & {
  extraEnv: Record<string, string | undefined>;
  paths: ClusterPaths;
};

export const DEFAULTS = {
  baseDir: '.data/cluster',
  primaryPort: 15432,
  replicaPort: 15433,
  pgbouncerPort: 16432,
  haproxyPort: 3100,
  haproxyStatsPort: 8404,
  firstInstancePort: 3101,
  firstMetricsPort: 9101,
  instances: 3,
  instancePoolSize: 10,
  pgbouncerPoolSize: 20,
  pgbouncerMaxClientConn: 1000,
  replica: true,
  // HAProxy checks every second and takes an instance out after one failed check.
  shutdownDrainMs: 2000,
  logLevel: 'info',
  jwtIssuer: 'https://local-cluster.iam.example',
  jwtAudience: 'iam-app-assignments',
} satisfies Required<Omit<LocalClusterOptions, 'extraEnv'>>;

export function resolveSettings(options: LocalClusterOptions = {}): ClusterSettings {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const merged = { ...DEFAULTS, ...defined, extraEnv: options.extraEnv ?? {} };
  if (!Number.isInteger(merged.instances) || merged.instances < 1 || merged.instances > 50) {
    throw new Error(`instances must be 1 to 50, got ${merged.instances}`);
  }
  const base = resolve(merged.baseDir);
  const pgbouncerDir = join(base, 'pgbouncer');
  const haproxyDir = join(base, 'haproxy');
  const run = join(base, 'run');
  return {
    ...merged,
    baseDir: base,
    paths: {
      base,
      primaryData: join(base, 'primary'),
      replicaData: join(base, 'replica'),
      pgbouncerDir,
      pgbouncerIni: join(pgbouncerDir, 'pgbouncer.ini'),
      pgbouncerUsers: join(pgbouncerDir, 'userlist.txt'),
      // PgBouncer runs as the postgres user and writes its own pid file: in its directory.
      pgbouncerPid: join(pgbouncerDir, 'pgbouncer.pid'),
      haproxyDir,
      haproxyCfg: join(haproxyDir, 'haproxy.cfg'),
      haproxyPid: join(run, 'haproxy.pid'),
      logs: join(base, 'logs'),
      run,
      jwtEnv: join(base, 'jwt.env'),
    },
  };
}

export function instancePort(settings: ClusterSettings, index: number): number {
  return settings.firstInstancePort + index - 1;
}

export function metricsPort(settings: ClusterSettings, index: number): number {
  return settings.firstMetricsPort + index - 1;
}

/** Every port the cluster listens on, with the piece that owns it. */
export function clusterPorts(settings: ClusterSettings): { piece: string; port: number }[] {
  const ports = [
    { piece: 'primary', port: settings.primaryPort },
    ...(settings.replica ? [{ piece: 'replica', port: settings.replicaPort }] : []),
    { piece: 'pgbouncer', port: settings.pgbouncerPort },
    { piece: 'haproxy', port: settings.haproxyPort },
    { piece: 'haproxy', port: settings.haproxyStatsPort },
  ];
  for (let i = 1; i <= settings.instances; i++) {
    ports.push(
      { piece: `instance-${i}`, port: instancePort(settings, i) },
      { piece: `instance-${i}`, port: metricsPort(settings, i) },
    );
  }
  const seen = new Map<number, string>();
  for (const { piece, port } of ports) {
    const other = seen.get(port);
    if (other !== undefined) throw new Error(`port ${port} is given to both ${other} and ${piece}`);
    seen.set(port, piece);
  }
  return ports;
}
