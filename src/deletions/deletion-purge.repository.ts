import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { inBackgroundBatch } from '../common/database/background-batch';
import { GenerateSql } from '../common/database/generate-sql';
import { runSql } from '../common/database/run-sql';
import { BACKGROUND_CONNECTION } from '../database/database.options';

/** Rows a deletion batch removes at most: a fraction of a second of work, short locks. */
export const PURGE_BATCH_ROWS = 5_000;

export interface PurgeBatch {
  tenantId: string;
  deletionId: string;
  done: boolean;
}

/** The batches that carry out accepted deletions, on the background pool. */
@Injectable()
export class DeletionPurgeRepository {
  constructor(@InjectDataSource(BACKGROUND_CONNECTION) private readonly dataSource: DataSource) {}

  /** One batch of the oldest unfinished deletion no other worker holds; undefined when there is none. */
  @GenerateSql({ params: [PURGE_BATCH_ROWS] })
  async next(batchRows = PURGE_BATCH_ROWS): Promise<PurgeBatch | undefined> {
    const { rows } = await inBackgroundBatch(this.dataSource, (tx) =>
      runSql<{ deletion_tenant: string; deletion_id: string; done: boolean }>(
        tx,
        `SELECT deletion_tenant, deletion_id, done FROM deletion_purge_next($1)`,
        [batchRows],
      ),
    );
    return rows[0] && { tenantId: rows[0].deletion_tenant, deletionId: rows[0].deletion_id, done: rows[0].done };
  }
}
