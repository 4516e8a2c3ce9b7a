import type { DeletionRow } from '../deletions.repository';
import type { DeletionResponse } from './deletion.dto';

export function toDeletionResponse(row: DeletionRow): DeletionResponse {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    resource_type: row.resource_type,
    resource_id: row.resource_id,
    status: row.status,
    rows_deleted: Number(row.rows_deleted),
    requested_at: row.requested_at.toISOString(),
    completed_at: row.completed_at?.toISOString() ?? null,
  };
}
