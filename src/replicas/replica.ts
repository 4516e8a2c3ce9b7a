import { Pool } from 'pg';
import { QueryFailedError } from 'typeorm';
import { parseWalPosition, type WalPosition } from './wal-position';

/** What the last check of a replica found, as /health/ready and /metrics show it. */
export interface ReplicaStatus {
  name: string;
  /** host:port/database, without credentials. */
  address: string;
  /** Serves reads now: answered the last check, is a standby, and is within the lag bound. */
  serving: boolean;
  /** How far behind the primary it is in time (to within one check interval); undefined: unknown. */
  lagSeconds?: number;
  /** How far behind in WAL bytes, at the last check. */
  lagBytes?: number;
  /** Why it is not serving. */
  reason?: string;
}

/** When the primary was at a WAL position: how each check measures a replica's lag in time. */
export interface PrimarySample {
  at: number;
  position: WalPosition;
}

const CHECK_SQL = `SELECT pg_is_in_recovery() AS in_recovery, pg_last_wal_replay_lsn()::text AS replayed`;

/**
 * One streaming replica: a pool for the reads it serves, a one-connection pool for its
 * checks (so a busy read pool never delays them), and what the last check found.
 */
export class Replica {
  readonly pool: Pool;
  private readonly checks: Pool;
  private replayed?: WalPosition;
  private state: ReplicaStatus;

  constructor(
    readonly name: string,
    url: string,
    poolSize: number,
    queryTimeoutMs: number,
  ) {
    const address = addressOf(url);
    this.state = { name, address, serving: false, reason: 'not checked yet' };
    const common = { connectionString: url, connectionTimeoutMillis: 2_000, application_name: `iam-app-assignments-${name}` };
    this.pool = new Pool({ ...common, max: poolSize, query_timeout: queryTimeoutMs });
    this.checks = new Pool({ ...common, max: 1, query_timeout: 2_000 });
    // A replica that restarts closes idle connections: the pool drops them and the next check tells.
    this.pool.on('error', () => undefined);
    this.checks.on('error', () => undefined);
  }

  get status(): ReplicaStatus {
    return this.state;
  }

  /** Serving, and has replayed `position` when one is named. */
  serves(position: WalPosition | undefined): boolean {
    return this.state.serving && (position === undefined || (this.replayed !== undefined && this.replayed >= position));
  }

  /** A read failed the way a server that is gone fails: no more reads until a check finds it back. */
  markDown(error: unknown): void {
    this.state = { ...this.state, serving: false, reason: `read failed: ${messageOf(error)}` };
  }

  /**
   * Asks the replica how far it has replayed. Its lag in time is how long ago the primary
   * was first seen past that position (samples: oldest first, one per check), so an idle
   * primary reads as no lag rather than as the age of its last commit.
   */
  async check(samples: readonly PrimarySample[], maxLagMs: number, now = Date.now()): Promise<void> {
    let row: { in_recovery: boolean; replayed: string | null };
    try {
      row = (await this.checks.query<{ in_recovery: boolean; replayed: string | null }>(CHECK_SQL)).rows[0];
    } catch (error) {
      this.state = {
        ...this.state,
        serving: false,
        lagSeconds: undefined,
        lagBytes: undefined,
        reason: `unreachable: ${messageOf(error)}`,
      };
      return;
    }
    const replayed = row.replayed === null ? undefined : parseWalPosition(row.replayed);
    if (!row.in_recovery || replayed === undefined) {
      this.replayed = undefined;
      this.state = {
        ...this.state,
        serving: false,
        lagSeconds: undefined,
        lagBytes: undefined,
        reason: 'not a streaming standby',
      };
      return;
    }
    this.replayed = replayed;
    const latest = samples[samples.length - 1];
    if (latest === undefined) {
      this.state = { ...this.state, serving: false, reason: 'primary position unknown' };
      return;
    }
    const { lagSeconds, lagBytes } = lagBehind(samples, replayed, now);
    const serving = lagSeconds * 1000 <= maxLagMs;
    this.state = {
      ...this.state,
      serving,
      lagSeconds,
      lagBytes,
      reason: serving ? undefined : `lagging ${lagSeconds.toFixed(1)} s behind the primary (bound ${maxLagMs / 1000} s)`,
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.pool.end(), this.checks.end()]);
  }
}

/**
 * How far behind a replica that has replayed up to `replayed` is: in time, since the primary
 * was first seen past that position (`samples` oldest first; 0 when it has replayed the
 * latest), and in bytes, from the latest position seen.
 */
export function lagBehind(
  samples: readonly PrimarySample[],
  replayed: WalPosition,
  now: number,
): { lagSeconds: number; lagBytes: number } {
  const behind = samples.find((sample) => sample.position > replayed);
  const latest = samples[samples.length - 1];
  return {
    lagSeconds: behind === undefined ? 0 : Math.max(0, now - behind.at) / 1000,
    lagBytes: latest !== undefined && latest.position > replayed ? Number(latest.position - replayed) : 0,
  };
}

function addressOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'unparseable URL';
  }
}

function messageOf(error: unknown): string {
  const cause = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  return cause instanceof Error ? cause.message : String(cause);
}
