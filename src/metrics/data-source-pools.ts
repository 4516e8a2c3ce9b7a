import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { BACKGROUND_CONNECTION } from '../database/database.options';
import { Metrics } from './metrics.service';

/** Puts the pools of the application's two DataSources in the pool gauges: `requests` and `background`. */
@Injectable()
export class DataSourcePools {
  constructor(
    metrics: Metrics,
    @InjectDataSource() requests: DataSource,
    @InjectDataSource(BACKGROUND_CONNECTION) background: DataSource,
  ) {
    metrics.observePool('requests', poolOf(requests));
    metrics.observePool('background', poolOf(background));
  }
}

/** The pg Pool behind a DataSource (its primary's, when it has replicas). */
function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as PostgresDriver).master as Pool;
}
