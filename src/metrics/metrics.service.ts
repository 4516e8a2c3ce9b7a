import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { type ObservedPool, registerPoolGauges } from './pool-gauges';

/**
 * The application's Prometheus metrics: one registry per application (not prom-client's
 * global one, so several applications in one process keep their figures apart), with the
 * process's own metrics (CPU, memory, event-loop lag, GC) under the `iam_` prefix.
 * Modules add theirs to `registry`; connection pools are observed with `observePool`.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly pools = new Map<string, ObservedPool>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'iam_' });
    registerPoolGauges(this.registry, this.pools);
  }

  /** Reports the pool's connections as `pool="<name>"` at every scrape (a name observed again takes the new pool). */
  observePool(name: string, pool: ObservedPool): void {
    this.pools.set(name, pool);
  }
}
