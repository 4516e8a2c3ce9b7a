import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ClusterSettings, instancePort, metricsPort } from './cluster-settings';
import { ensureDir, httpStatus, PieceError, processAlive, runningPid, terminate, waitUntil } from './system';

/** The built service, relative to the repository root (the working directory). */
export const MAIN_JS = 'dist/src/main.js';
const LIVE_TIMEOUT_MS = 60_000;

export interface InstanceDatabaseUrls {
  /** Through PgBouncer, to the primary. */
  primary: string;
  /** Straight to the primary (migrations). */
  direct: string;
  /** Through PgBouncer, to the replica (absent without a replica). */
  replica?: string;
}

export interface JwtSettings {
  secret: string;
  issuer: string;
  audience: string;
}

/** Instance i (1-based) of the service: `node dist/src/main.js` in the background, logging to logs/instance-i.log. */
export class ServiceInstance {
  constructor(
    private readonly settings: ClusterSettings,
    readonly index: number,
  ) {}

  get name(): string {
    return `instance-${this.index}`;
  }

  get port(): number {
    return instancePort(this.settings, this.index);
  }

  get metricsPort(): number {
    return metricsPort(this.settings, this.index);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get logFile(): string {
    return join(this.settings.paths.logs, `${this.name}.log`);
  }

  private get pidFile(): string {
    return join(this.settings.paths.run, `${this.name}.pid`);
  }

  pid(): number | undefined {
    return runningPid(this.pidFile, MAIN_JS);
  }

  environment(urls: InstanceDatabaseUrls, jwt: JwtSettings): Record<string, string | undefined> {
    return {
      NODE_ENV: 'production',
      PORT: String(this.port),
      HOST: '127.0.0.1',
      LOG_LEVEL: this.settings.logLevel,
      JWT_SECRET: jwt.secret,
      JWT_PUBLIC_KEY: undefined,
      JWT_JWKS_URI: undefined,
      JWT_ALGORITHMS: 'HS256',
      JWT_ISSUER: jwt.issuer,
      JWT_AUDIENCE: jwt.audience,
      DATABASE_URL: urls.primary,
      // Applied once by the cluster before any instance starts, straight to the primary.
      DATABASE_MIGRATIONS_RUN: 'false',
      DATABASE_MIGRATION_URL: urls.direct,
      DATABASE_REPLICA_URLS: urls.replica,
      DATABASE_POOL_SIZE: String(this.settings.instancePoolSize),
      METRICS_PORT: String(this.metricsPort),
      SHUTDOWN_DRAIN_MS: String(this.settings.shutdownDrainMs),
      // Every instance does its share of the background work (claimed with FOR UPDATE SKIP LOCKED).
      BACKGROUND_WORKERS: 'true',
      NATS_URL: undefined,
      ...this.settings.extraEnv,
    };
  }

  /** Starts the instance detached from us (it outlives the command) and waits until /health/live answers 200. */
  async start(env: Record<string, string | undefined>): Promise<void> {
    if (this.pid() !== undefined) return;
    if (!existsSync(MAIN_JS)) throw new Error(`${resolve(MAIN_JS)} is missing: run npm run build first`);
    ensureDir(this.settings.paths.run, 0o755);
    ensureDir(this.settings.paths.logs, 0o755, true);
    const merged: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...process.env, ...env })) {
      if (value !== undefined) merged[key] = value;
    }
    const log = openSync(this.logFile, 'a');
    let pid: number;
    try {
      const child = spawn(process.execPath, [MAIN_JS], { detached: true, stdio: ['ignore', log, log], env: merged });
      child.unref();
      pid = child.pid!;
    } finally {
      closeSync(log);
    }
    writeFileSync(this.pidFile, `${pid}\n`);
    let exited = false;
    const live = await waitUntil(
      async () => {
        exited = !processAlive(pid);
        return exited || (await httpStatus(`${this.url}/health/live`, 1_000)) === 200;
      },
      LIVE_TIMEOUT_MS,
      200,
    );
    if (exited) throw new PieceError(`${this.name} exited before it answered /health/live`, this.logFile);
    if (!live) throw new PieceError(`${this.name} did not answer /health/live within ${LIVE_TIMEOUT_MS / 1000} s`, this.logFile);
  }

  /** Sends a signal (SIGKILL: a crash; the pid file stays, as after a real one). */
  kill(signal: NodeJS.Signals): void {
    const pid = this.pid();
    if (pid !== undefined) process.kill(pid, signal);
  }

  /** SIGTERM (a graceful shutdown: drain, finish requests, close the pools); SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = this.settings.shutdownDrainMs + 15_000): Promise<boolean> {
    const pid = this.pid();
    if (pid !== undefined) await terminate(pid, 'SIGTERM', timeoutMs);
    rmSync(this.pidFile, { force: true });
    return pid !== undefined;
  }
}
