import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { offsetOf, Page, PageRequest } from '../common/http/page';
import type { Actor } from './actor';
import type { AuditAction, AuditTargetType } from './audit-actions';
import { AuditEventEntity } from './audit-event.entity';
import { AuditEventResponse } from './dto/audit-event.dto';
import { toAuditEventResponse } from './dto/audit-event.mapper';

export interface AuditTarget {
  type: AuditTargetType;
  id: string;
}

export interface AuditFilter {
  action?: string;
  targetType?: string;
  targetId?: string;
}

@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>) {}

  /** Records a change inside the caller's transaction, so it commits or rolls back with it. */
  async record(
    manager: EntityManager,
    tenantId: string,
    actor: Actor,
    action: AuditAction,
    target: AuditTarget,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await manager.query(
      `INSERT INTO audit_events (tenant_id, actor, action, target_type, target_id, details, request_id)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
      [tenantId, actor.subject, action, target.type, target.id, JSON.stringify(details), actor.requestId],
    );
  }

  /** Newest first (ties by id, descending). */
  async list(tenantId: string, page: PageRequest, filter: AuditFilter): Promise<Page<AuditEventResponse>> {
    const query = this.events.createQueryBuilder('e').where('e.tenant_id = :tenantId', { tenantId });
    if (filter.action) query.andWhere('e.action = :action', { action: filter.action });
    if (filter.targetType) query.andWhere('e.target_type = :targetType', { targetType: filter.targetType });
    if (filter.targetId) query.andWhere('e.target_id = :targetId', { targetId: filter.targetId });
    const [rows, total] = await query
      .orderBy('e.occurred_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .offset(offsetOf(page))
      .limit(page.perPage)
      .getManyAndCount();
    return new Page(rows.map(toAuditEventResponse), page.page, page.perPage, total);
  }
}
