import type { GroupEntity } from '../group.entity';
import type { GroupResponse } from './group.dto';

export function toGroupResponse(entity: GroupEntity): GroupResponse {
  return {
    id: entity.id,
    tenant_id: entity.tenantId,
    name: entity.name,
    description: entity.description,
    created_at: entity.createdAt.toISOString(),
    updated_at: entity.updatedAt.toISOString(),
  };
}
