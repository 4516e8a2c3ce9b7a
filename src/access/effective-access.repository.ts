import { Injectable } from '@nestjs/common';
import type { EffectiveUser } from '../assignments/dto/assignment-results';
import { Dummy, GenerateSql } from '../common/database/generate-sql';
import { runSql } from '../common/database/run-sql';
import type { RequestConsistency } from '../common/http/consistency';
import { ReadRouter } from '../replicas/read-router';
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

/** Reads of the effective-access index (a replica may serve them: see ReadRouter). */
@Injectable()
export class EffectiveAccessRepository {
  constructor(private readonly reads: ReadRouter) {}

  /** undefined: no such application. */
  @GenerateSql({ params: [Dummy.tenant, Dummy.application] })
  async state(
    tenantId: string,
    applicationId: string,
    consistency?: RequestConsistency,
  ): Promise<EffectiveAccessState | undefined> {
    const { rows } = await runSql<{ user_count: string; rebuilding: boolean }>(
      this.reads.for('effective_users', consistency),
      EFFECTIVE_ACCESS_STATE_SQL,
      [tenantId, applicationId],
    );
    return rows[0] && { userCount: Number(rows[0].user_count), rebuilding: rows[0].rebuilding };
  }

  /** One page of the users who can use the application, in (email, id) order. */
  @GenerateSql(
    { name: 'from the start', params: [Dummy.tenant, Dummy.application, { from: 'start', limit: 20, offset: 0 }] },
    { name: 'from the end', params: [Dummy.tenant, Dummy.application, { from: 'end', limit: 20, offset: 0 }] },
  )
  async page(
    tenantId: string,
    applicationId: string,
    page: IndexPage,
    consistency?: RequestConsistency,
  ): Promise<EffectiveUser[]> {
    if (page.from === 'nowhere') return [];
    const sql = page.from === 'start' ? EFFECTIVE_USERS_PAGE_FROM_INDEX_SQL : EFFECTIVE_USERS_PAGE_FROM_INDEX_END_SQL;
    const { rows } = await runSql<EffectiveUser>(this.reads.for('effective_users', consistency), sql, [
      tenantId,
      applicationId,
      page.limit,
      page.offset,
    ]);
    return rows;
  }
}
