import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GenerateSql } from '../common/database/generate-sql';
import { runSql } from '../common/database/run-sql';

@Injectable()
export class HealthRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A round trip to the database through the pool. */
  @GenerateSql({ params: [] })
  async ping(): Promise<void> {
    await runSql(this.dataSource, 'SELECT 1', []);
  }
}
