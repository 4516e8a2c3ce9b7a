import type { TenantEntity } from '../tenant.entity';
import type { TenantResponse } from './tenant.dto';

export function toTenantResponse(entity: TenantEntity): TenantResponse {
  return {
    id: entity.id,
    name: entity.name,
    slug: entity.slug,
    status: entity.status,
    created_at: entity.createdAt.toISOString(),
    updated_at: entity.updatedAt.toISOString(),
  };
}
