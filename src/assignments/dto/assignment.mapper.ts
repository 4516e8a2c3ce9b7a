import type { AssignmentRow } from '../assignments.repository';
import type { AppAssignment } from './app-assignment.dto';

export function toAppAssignment(row: AssignmentRow): AppAssignment {
  return {
    application_id: row.application_id,
    application_name: row.application_name,
    application_client_id: row.application_client_id,
    assigned_at: row.assigned_at.toISOString(),
    assignment_type: row.assignment_type,
    assigned_via: row.assigned_via,
  };
}
