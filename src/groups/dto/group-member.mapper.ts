import type { GroupMemberRow } from '../group-members.repository';
import type { GroupMemberResponse } from './group.dto';

export function toGroupMemberResponse(row: GroupMemberRow): GroupMemberResponse {
  return {
    user_id: row.user_id,
    group_id: row.group_id,
    email: row.email,
    display_name: row.display_name,
    status: row.status,
    added_at: row.added_at.toISOString(),
  };
}
