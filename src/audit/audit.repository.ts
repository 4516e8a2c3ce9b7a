import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/auth/principal';
import { Dummy, FIRST_PAGE, GenerateSql } from '../common/database/generate-sql';
import { type PageOfRows, selectPage } from '../common/database/pagination';
import { runSql } from '../common/database/run-sql';
import type { Tx } from '../common/database/transaction';
import type { RequestConsistency } from '../common/http/consistency';
import type { PageRequest } from '../common/http/page';
import { ReadRouter } from '../replicas/read-router';
import type { AuditAction, AuditTargetType } from './audit-actions';

export interface AuditEventRow {
  id: string;
  tenant_id: string;
  occurred_at: Date;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  details: Record<string, unknown>;
  request_id: string | null;
}

/** One change for the audit trail: what was done to which resource. */
export interface AuditRecord {
  action: AuditAction;
  target: { type: AuditTargetType; id: string };
  details?: Record<string, unknown>;
}

export interface AuditFilter {
  action?: string;
  targetType?: string;
  targetId?: string;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly reads: ReadRouter) {}

  /** Records a change inside the caller's transaction, so it commits or rolls back with it. */
  @GenerateSql({
    params: [
      Dummy.tenant,
      { subject: 'alice', requestId: 'req-1' },
      { action: 'user.created', target: { type: 'user', id: Dummy.user } },
      Dummy.tx,
    ],
  })
  async insert(tenantId: string, actor: Actor, record: AuditRecord, tx: Tx): Promise<void> {
    await runSql(
      tx,
      `INSERT INTO audit_events (tenant_id, actor, action, target_type, target_id, details, request_id)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
      [
        tenantId,
        actor.subject,
        record.action,
        record.target.type,
        record.target.id,
        JSON.stringify(record.details ?? {}),
        actor.requestId,
      ],
    );
  }

  /** Newest first (ties by id, descending); each filter given narrows the list. */
  @GenerateSql(
    { name: 'unfiltered', params: [Dummy.tenant, FIRST_PAGE, {}] },
    {
      name: 'every filter',
      params: [Dummy.tenant, FIRST_PAGE, { action: 'user.created', targetType: 'user', targetId: Dummy.user }],
    },
  )
  page(
    tenantId: string,
    page: PageRequest,
    filter: AuditFilter,
    consistency?: RequestConsistency,
  ): Promise<PageOfRows<AuditEventRow>> {
    const parameters: unknown[] = [tenantId];
    const conditions = ['tenant_id = $1'];
    const narrow = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      parameters.push(value);
      conditions.push(`${column} = $${parameters.length}`);
    };
    narrow('action', filter.action);
    narrow('target_type', filter.targetType);
    narrow('target_id', filter.targetId);
    const where = conditions.join(' AND ');
    return selectPage<AuditEventRow>(
      this.reads.for('audit_events', consistency),
      {
        rows: `SELECT id, tenant_id, occurred_at, actor, action, target_type, target_id, details, request_id
                 FROM audit_events WHERE ${where} ORDER BY occurred_at DESC, id DESC`,
        count: `SELECT count(*) AS total FROM audit_events WHERE ${where}`,
        parameters,
      },
      page,
    );
  }
}
