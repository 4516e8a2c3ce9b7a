import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { inBackgroundBatch } from '../common/database/background-batch';
import { GenerateSql } from '../common/database/generate-sql';
import { runSql } from '../common/database/run-sql';
import { BACKGROUND_CONNECTION } from '../database/database.options';

/** One batch of a background rebuild: which application, and whether its index is exact again. */
export interface RebuildBatch {
  tenantId: string;
  applicationId: string;
  done: boolean;
}

/** The background work of the effective-access index, on the background pool (longer time limit): rebuild batches, count folding. */
@Injectable()
export class EffectiveAccessRebuildRepository {
  constructor(@InjectDataSource(BACKGROUND_CONNECTION) private readonly dataSource: DataSource) {}

  /**
   * Claims the oldest pending rebuild no other worker holds and does one batch of it, in a
   * transaction of its own; undefined when nothing is pending.
   */
  @GenerateSql({ params: [] })
  async next(): Promise<RebuildBatch | undefined> {
    const { rows } = await inBackgroundBatch(this.dataSource, (tx) =>
      runSql<{ tenant_id: string; application_id: string; done: boolean }>(
        tx,
        `SELECT tenant_id, application_id, done FROM effective_access_rebuild_next()`,
        [],
      ),
    );
    return rows[0] && { tenantId: rows[0].tenant_id, applicationId: rows[0].application_id, done: rows[0].done };
  }

  /** Folds the count deltas the changes appended into the applications' counts; how many it folded. */
  @GenerateSql({ params: [] })
  async foldCounts(): Promise<number> {
    const { rows } = await inBackgroundBatch(this.dataSource, (tx) =>
      runSql<{ folded: string }>(tx, `SELECT effective_access_fold_counts() AS folded`, []),
    );
    return Number(rows[0].folded);
  }
}
