import type { AssignmentType } from './app-assignment.dto';

// The reference documents these bodies as untyped objects (ApiResponse_dict_,
// PaginatedResponse_dict_); their fields are fixed by API-CONTRACT.md.

export interface UserAssignmentCreated {
  user_id: string;
  application_id: string;
  assignment_type: Extract<AssignmentType, 'direct'>;
  assigned_at: string;
}

export interface GroupAssignmentCreated {
  group_id: string;
  application_id: string;
  assignment_type: Extract<AssignmentType, 'group'>;
  assigned_at: string;
}

export interface BulkAssignmentResult {
  user_id: string;
  assigned: string[];
  already_assigned: string[];
  assigned_count: number;
}

export interface EffectiveUser {
  user_id: string;
  email: string;
  display_name: string;
  status: string;
  direct: boolean;
  via_groups: string[];
}
