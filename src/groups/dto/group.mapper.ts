import type { GroupRow } from '../groups.repository';
import type { GroupResponse } from './group.dto';

export function toGroupResponse(row: GroupRow): GroupResponse {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    name: row.name,
    description: row.description,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
