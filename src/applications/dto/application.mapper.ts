import type { ApplicationEntity } from '../application.entity';
import type { ApplicationResponse } from './application.dto';

export function toApplicationResponse(entity: ApplicationEntity): ApplicationResponse {
  return {
    id: entity.id,
    tenant_id: entity.tenantId,
    name: entity.name,
    description: entity.description,
    client_id: entity.clientId,
    status: entity.status,
    created_at: entity.createdAt.toISOString(),
    updated_at: entity.updatedAt.toISOString(),
  };
}
