import type { ApplicationRow } from '../applications.repository';
import type { ApplicationResponse } from './application.dto';

export function toApplicationResponse(row: ApplicationRow): ApplicationResponse {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    name: row.name,
    description: row.description,
    client_id: row.client_id,
    status: row.status,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
