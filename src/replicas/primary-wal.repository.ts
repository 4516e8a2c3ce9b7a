import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GenerateSql } from '../common/database/generate-sql';
import { runSql } from '../common/database/run-sql';

/** Where the primary's WAL stands: the consistency token of a write, and the replicas' yardstick. */
@Injectable()
export class PrimaryWalRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The primary's current WAL insert position, as text (`16/B374D848`). Read after a
   * transaction commits, it is at or past that commit's record: a replica that has replayed
   * it shows the transaction.
   */
  @GenerateSql({ params: [] })
  async position(): Promise<string> {
    const { rows } = await runSql<{ position: string }>(
      this.dataSource,
      `SELECT pg_current_wal_insert_lsn()::text AS position`,
      [],
    );
    return rows[0].position;
  }
}
