import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { EffectiveUser } from '../assignments/dto/assignment-results';
import { Dummy, GenerateSql } from '../common/database/generate-sql';
import { runSql } from '../common/database/run-sql';
import {
  EFFECTIVE_ACCESS_STATE_SQL,
  EFFECTIVE_USERS_PAGE_FROM_INDEX_END_SQL,
  EFFECTIVE_USERS_PAGE_FROM_INDEX_SQL,
} from './effective-access.sql';
import type { IndexPage } from './index-page';

export interface EffectiveAccessState {
  /** Users who can use the application. */
  userCount: number;
  /** Its index rows are being rebuilt: read it with the live plan meanwhile. */
  rebuilding: boolean;
}

/** One batch of a background rebuild: which application, and whether its index is exact again. */
export interface RebuildBatch {
  tenantId: string;
  applicationId: string;
  done: boolean;
}

/** Reads of the effective-access index, and the batches that rebuild it. */
@Injectable()
export class EffectiveAccessRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** undefined: no such application. */
  @GenerateSql({ params: [Dummy.tenant, Dummy.application] })
  async state(tenantId: string, applicationId: string): Promise<EffectiveAccessState | undefined> {
    const { rows } = await runSql<{ user_count: string; rebuilding: boolean }>(this.dataSource, EFFECTIVE_ACCESS_STATE_SQL, [
      tenantId,
      applicationId,
    ]);
    return rows[0] && { userCount: Number(rows[0].user_count), rebuilding: rows[0].rebuilding };
  }

  /** One page of the users who can use the application, in (email, id) order. */
  @GenerateSql(
    { name: 'from the start', params: [Dummy.tenant, Dummy.application, { from: 'start', limit: 20, offset: 0 }] },
    { name: 'from the end', params: [Dummy.tenant, Dummy.application, { from: 'end', limit: 20, offset: 0 }] },
  )
  async page(tenantId: string, applicationId: string, page: IndexPage): Promise<EffectiveUser[]> {
    if (page.from === 'nowhere') return [];
    const sql = page.from === 'start' ? EFFECTIVE_USERS_PAGE_FROM_INDEX_SQL : EFFECTIVE_USERS_PAGE_FROM_INDEX_END_SQL;
    const { rows } = await runSql<EffectiveUser>(this.dataSource, sql, [tenantId, applicationId, page.limit, page.offset]);
    return rows;
  }

  /**
   * Claims the oldest pending rebuild no other worker holds and does one batch of it, in a
   * transaction of its own with a longer time limit than requests get; undefined when
   * nothing is pending.
   */
  @GenerateSql({ params: [] })
  async rebuildNext(): Promise<RebuildBatch | undefined> {
    return this.dataSource.transaction(async (tx) => {
      await runSql(tx, `SET LOCAL statement_timeout = '60s'`, []);
      const { rows } = await runSql<{ tenant_id: string; application_id: string; done: boolean }>(
        tx,
        `SELECT tenant_id, application_id, done FROM effective_access_rebuild_next()`,
        [],
      );
      return rows[0] && { tenantId: rows[0].tenant_id, applicationId: rows[0].application_id, done: rows[0].done };
    });
  }
}
