import { Gauge, type Registry } from 'prom-client';

/** What the pool gauges read of a connection pool (a pg Pool has all of it). */
export interface ObservedPool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly options: { max?: number };
}

/**
 * `iam_db_pool_connections{pool,state}` and `iam_db_pool_max{pool}`, read from each pool
 * at scrape time (nothing is counted on the query path).
 */
export function registerPoolGauges(registry: Registry, pools: ReadonlyMap<string, ObservedPool>): void {
  new Gauge({
    name: 'iam_db_pool_connections',
    help: 'Connections of a database pool: total (open), idle, and waiting (callers queued for a connection).',
    labelNames: ['pool', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [name, pool] of pools) {
        this.set({ pool: name, state: 'total' }, pool.totalCount);
        this.set({ pool: name, state: 'idle' }, pool.idleCount);
        this.set({ pool: name, state: 'waiting' }, pool.waitingCount);
      }
    },
  });
  new Gauge({
    name: 'iam_db_pool_max',
    help: 'Most connections a database pool opens.',
    labelNames: ['pool'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [name, pool] of pools) this.set({ pool: name }, pool.options.max ?? 10);
    },
  });
}
