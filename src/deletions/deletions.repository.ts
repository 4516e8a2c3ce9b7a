import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/auth/principal';
import { Dummy, GenerateSql } from '../common/database/generate-sql';
import { runSql } from '../common/database/run-sql';
import type { Tx } from '../common/database/transaction';
import type { DeletionResourceType, DeletionStatus } from './deletion.entity';

export interface DeletionRow {
  id: string;
  tenant_id: string;
  resource_type: DeletionResourceType;
  resource_id: string;
  status: DeletionStatus;
  rows_deleted: string;
  requested_at: Date;
  completed_at: Date | null;
}

const COLUMNS = 'id, tenant_id, resource_type, resource_id, status, rows_deleted, requested_at, completed_at';

/** The first kind of rows each deletion removes (see deletion_purge_next). */
const FIRST_STAGE: Record<DeletionResourceType, string> = { application: 'index', group: 'members', tenant: 'index' };

@Injectable()
export class DeletionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records an accepted deletion, in the transaction that marks the resource. */
  @GenerateSql({ params: [Dummy.tenant, 'group', Dummy.group, { subject: 'alice', requestId: 'req-1' }, Dummy.tx] })
  async accept(
    tenantId: string,
    resourceType: DeletionResourceType,
    resourceId: string,
    actor: Actor,
    tx: Tx,
  ): Promise<DeletionRow> {
    const { rows } = await runSql<DeletionRow>(
      tx,
      `INSERT INTO deletions (tenant_id, resource_type, resource_id, stage, requested_by, request_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING ${COLUMNS}`,
      [tenantId, resourceType, resourceId, FIRST_STAGE[resourceType], actor.subject, actor.requestId],
    );
    return rows[0];
  }

  /** The latest deletion of a resource. */
  @GenerateSql({ params: [Dummy.tenant, 'group', Dummy.group] })
  async latest(tenantId: string, resourceType: DeletionResourceType, resourceId: string): Promise<DeletionRow | undefined> {
    const { rows } = await runSql<DeletionRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM deletions
        WHERE tenant_id = $1 AND resource_type = $2 AND resource_id = $3
        ORDER BY requested_at DESC, id DESC
        LIMIT 1`,
      [tenantId, resourceType, resourceId],
    );
    return rows[0];
  }
}
