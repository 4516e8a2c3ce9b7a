import type { UserRow } from '../users.repository';
import type { UserResponse } from './user.dto';

export function toUserResponse(row: UserRow): UserResponse {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    email: row.email,
    display_name: row.display_name,
    status: row.status,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
