import { Global, Module } from '@nestjs/common';
import { DataSourcePools } from './data-source-pools';
import { HttpMetrics } from './http-metrics';
import { MetricsRoute } from './metrics.route';
import { MetricsServer } from './metrics.server';
import { Metrics } from './metrics.service';

/**
 * Prometheus metrics: the registry (`Metrics`, injectable everywhere, so each module adds
 * its own metrics: the change-event relay's, the background work's), HTTP request metrics,
 * the database pools, and where they are served (METRICS_PORT, METRICS_TOKEN). Depends on
 * no feature module.
 */
@Global()
@Module({
  providers: [Metrics, HttpMetrics, DataSourcePools, MetricsRoute, MetricsServer],
  exports: [Metrics],
})
export class MetricsModule {}
