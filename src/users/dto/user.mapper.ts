import type { UserEntity } from '../user.entity';
import type { UserResponse } from './user.dto';

export function toUserResponse(entity: UserEntity): UserResponse {
  return {
    id: entity.id,
    tenant_id: entity.tenantId,
    email: entity.email,
    display_name: entity.displayName,
    status: entity.status,
    created_at: entity.createdAt.toISOString(),
    updated_at: entity.updatedAt.toISOString(),
  };
}
