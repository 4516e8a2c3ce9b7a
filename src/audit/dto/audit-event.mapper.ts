import type { AuditEventRow } from '../audit.repository';
import type { AuditEventResponse } from './audit-event.dto';

export function toAuditEventResponse(row: AuditEventRow): AuditEventResponse {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    occurred_at: row.occurred_at.toISOString(),
    actor: row.actor,
    action: row.action,
    target_type: row.target_type,
    target_id: row.target_id,
    details: row.details,
    request_id: row.request_id,
  };
}
