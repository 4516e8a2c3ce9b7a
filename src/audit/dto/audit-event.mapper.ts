import type { AuditEventEntity } from '../audit-event.entity';
import type { AuditEventResponse } from './audit-event.dto';

export function toAuditEventResponse(entity: AuditEventEntity): AuditEventResponse {
  return {
    id: entity.id,
    tenant_id: entity.tenantId,
    occurred_at: entity.occurredAt.toISOString(),
    actor: entity.actor,
    action: entity.action,
    target_type: entity.targetType,
    target_id: entity.targetId,
    details: entity.details,
    request_id: entity.requestId,
  };
}
