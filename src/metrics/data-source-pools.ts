import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { poolOf } from '../common/database/run-sql';
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
