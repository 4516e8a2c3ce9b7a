import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { Metrics } from '../metrics/metrics.service';
import { ReadRouter } from './read-router';

/**
 * The read routing as Prometheus sees it: which pool served the statements of each read
 * class, and each replica's state and lag as this instance's last check found them. The
 * replicas' pools join the pool gauges (`iam_db_pool_connections{pool="replica1"}`).
 */
@Injectable()
export class ReplicasMetrics {
  constructor(router: ReadRouter, metrics: Metrics) {
    for (const { name, pool } of router.pools()) metrics.observePool(name, pool);
    new Counter({
      name: 'iam_db_read_statements_total',
      help: 'Statements of the routed reads, by read class and the pool that served them (requests: the primary; replicaN).',
      labelNames: ['read_class', 'pool'],
      registers: [metrics.registry],
      collect() {
        this.reset();
        for (const { readClass, pool, reads } of router.readCounts()) this.inc({ read_class: readClass, pool }, reads);
      },
    });
    // A replica whose figure is unknown (not reached yet) has no sample rather than a NaN one.
    const replicaGauge = (
      name: string,
      help: string,
      value: (status: ReturnType<ReadRouter['status']>[number]) => number | undefined,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: ['replica'],
        registers: [metrics.registry],
        collect() {
          this.reset();
          for (const status of router.status()) {
            const figure = value(status);
            if (figure !== undefined) this.set({ replica: status.name }, figure);
          }
        },
      });
    replicaGauge('iam_db_replica_serving', 'Whether the replica serves reads now (1) or is skipped (0).', (status) =>
      status.serving ? 1 : 0,
    );
    replicaGauge(
      'iam_db_replica_lag_seconds',
      'How far the replica is behind the primary, to within one check interval (no sample: unknown).',
      (status) => status.lagSeconds,
    );
    replicaGauge(
      'iam_db_replica_lag_bytes',
      'WAL bytes the replica had not replayed at the last check (no sample: unknown).',
      (status) => status.lagBytes,
    );
  }
}
