import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { type Queryable, queryPool, RoutedSource, runSql, type SqlResult } from '../common/database/run-sql';
import type { RequestConsistency } from '../common/http/consistency';
import { Environment } from '../config/environment';
import { REQUEST_QUERY_TIMEOUT_MS } from '../database/database.options';
import { PrimaryWalRepository } from './primary-wal.repository';
import type { ReadClass } from './read-class';
import { type PrimarySample, Replica, type ReplicaStatus } from './replica';
import { parseWalPosition } from './wal-position';

/** The primary's pool of the requests, by its name in metrics (`iam_db_pool_connections{pool="requests"}`). */
export const PRIMARY = 'requests';

/** Errors after which the same read is sent to the primary: the replica is gone, or it cancelled the read to replay. */
function isReplicaFailure(error: unknown): { fallBack: boolean; down: boolean } {
  const cause = (error instanceof QueryFailedError ? error.driverError : error) as { code?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code === undefined || !/^[0-9A-Z]{5}$/.test(code)) return { fallBack: true, down: true };
  if (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code)) return { fallBack: true, down: true };
  // A conflict with recovery (the replica replayed a change the read's snapshot needed).
  if (code === '40001' || code === '40P01') return { fallBack: true, down: false };
  return { fallBack: false, down: false };
}

class RoutedRead extends RoutedSource {
  constructor(
    private readonly router: ReadRouter,
    private readonly readClass: ReadClass,
    private readonly consistency: RequestConsistency | undefined,
  ) {
    super();
  }

  run<T>(sql: string, parameters: unknown[]): Promise<SqlResult<T>> {
    return this.router.run<T>(this.readClass, this.consistency, sql, parameters);
  }
}

/**
 * Sends the heavy reads to the streaming replicas (DATABASE_REPLICA_URLS) and everything else
 * to the primary. A replica serves a read only while it answers its checks and is within
 * DATABASE_REPLICA_MAX_LAG_MS of the primary, and, when the request presents a
 * Consistency-Token, only once it has replayed that position; otherwise the primary serves
 * it. A read a replica fails (it went away, or cancelled the read to replay) is served by
 * the primary. All the routed reads of one request go to the same server.
 *
 * A pool of its own per replica rather than TypeORM's replication mode: TypeORM picks a
 * replica at random, knows neither lag nor tokens, and its query runners cost more per
 * statement than the pool does (see runSql).
 */
@Injectable()
export class ReadRouter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReadRouter');
  private readonly replicas: Replica[];
  private readonly samples: PrimarySample[] = [];
  private readonly reads = new Map<ReadClass, Map<string, number>>();
  private next = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private checking?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly primary: DataSource,
    private readonly wal: PrimaryWalRepository,
    private readonly env: Environment,
  ) {
    this.replicas = env.DATABASE_REPLICA_URLS.map(
      (url, index) => new Replica(`replica${index + 1}`, url, env.DATABASE_POOL_SIZE, REQUEST_QUERY_TIMEOUT_MS),
    );
  }

  /**
   * Where a read of this class runs: the primary, or a replica (decided at its first
   * statement). `consistency`: the request's (its Consistency-Token, and where its other
   * routed reads went); without it (not a request) any replica that serves may.
   */
  for(readClass: ReadClass, consistency?: RequestConsistency): Queryable {
    return new RoutedRead(this, readClass, consistency);
  }

  run<T>(
    readClass: ReadClass,
    consistency: RequestConsistency | undefined,
    sql: string,
    parameters: unknown[],
  ): Promise<SqlResult<T>> {
    if (this.replicas.length === 0) {
      // The common deployment: no async layer of its own on the way to the pool.
      this.count(readClass, PRIMARY);
      return runSql<T>(this.primary, sql, parameters);
    }
    return this.runRouted<T>(readClass, consistency, sql, parameters);
  }

  private async runRouted<T>(
    readClass: ReadClass,
    consistency: RequestConsistency | undefined,
    sql: string,
    parameters: unknown[],
  ): Promise<SqlResult<T>> {
    let target = consistency?.readTarget as Replica | typeof PRIMARY | undefined;
    if (target === undefined) {
      target = this.choose(consistency?.position);
      if (consistency) consistency.readTarget = target;
    }
    if (target !== PRIMARY) {
      try {
        const result = await queryPool<T>(target.pool, sql, parameters);
        this.count(readClass, target.name);
        return result;
      } catch (error) {
        const { fallBack, down } = isReplicaFailure(error);
        if (!fallBack) throw error;
        if (down) target.markDown(error);
        if (consistency) consistency.readTarget = PRIMARY;
        this.logger.warn({ msg: `${target.name} failed a read; the primary serves it`, err: String(error) });
      }
    }
    this.count(readClass, PRIMARY);
    return runSql<T>(this.primary, sql, parameters);
  }

  /** The replicas as the last checks found them. */
  status(): ReplicaStatus[] {
    return this.replicas.map((replica) => replica.status);
  }

  /** Statements of the routed reads served so far, by read class and pool (`requests` on the primary, `replica1`, ...). */
  readCounts(): Array<{ readClass: string; pool: string; reads: number }> {
    return [...this.reads].flatMap(([readClass, pools]) => [...pools].map(([pool, reads]) => ({ readClass, pool, reads })));
  }

  /** The replicas' pg pools, by name (for pool metrics). */
  pools(): Array<{ name: string; pool: Replica['pool'] }> {
    return this.replicas.map((replica) => ({ name: replica.name, pool: replica.pool }));
  }

  onApplicationBootstrap(): void {
    if (this.replicas.length === 0) return;
    const tick = () => {
      this.checking = this.checkAll().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.env.DATABASE_REPLICA_CHECK_MS).unref();
      });
    };
    tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.checking;
    await Promise.all(this.replicas.map((replica) => replica.close()));
  }

  /** One round of checks: where the primary is, then how far each replica has replayed. */
  async checkAll(): Promise<void> {
    try {
      const position = parseWalPosition(await this.wal.position());
      if (position !== undefined) this.samples.push({ at: Date.now(), position });
    } catch {
      // The primary is away: the replicas are measured against the last positions seen.
    }
    // Kept long enough to measure any lag up to twice the bound.
    const horizon = Date.now() - Math.max(2 * this.env.DATABASE_REPLICA_MAX_LAG_MS, 10_000);
    while (this.samples.length > 1 && this.samples[0].at < horizon) this.samples.shift();
    await Promise.all(
      this.replicas.map(async (replica) => {
        const wasServing = replica.status.serving;
        await replica.check(this.samples, this.env.DATABASE_REPLICA_MAX_LAG_MS);
        if (wasServing !== replica.status.serving) {
          this.logger.log({
            msg: replica.status.serving ? `${replica.name} serves reads` : `${replica.name} skipped: ${replica.status.reason}`,
            replica: replica.status,
          });
        }
      }),
    );
  }

  private choose(position: bigint | undefined): Replica | typeof PRIMARY {
    const candidates = this.replicas.filter((replica) => replica.serves(position));
    if (candidates.length === 0) return PRIMARY;
    this.next = (this.next + 1) % candidates.length;
    return candidates[this.next];
  }

  private count(readClass: ReadClass, pool: string): void {
    let pools = this.reads.get(readClass);
    if (pools === undefined) this.reads.set(readClass, (pools = new Map<string, number>()));
    pools.set(pool, (pools.get(pool) ?? 0) + 1);
  }
}
