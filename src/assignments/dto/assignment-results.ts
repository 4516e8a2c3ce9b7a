import { EXAMPLE_IDS, EXAMPLE_META, EXAMPLE_TIMESTAMP } from '../../common/http/examples';
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

// Response examples of the operations whose body is not the shared `dict` example.

export const GROUP_ASSIGNMENT_CREATED_EXAMPLE: { data: GroupAssignmentCreated; meta: typeof EXAMPLE_META } = {
  data: {
    group_id: EXAMPLE_IDS.group_id,
    application_id: EXAMPLE_IDS.application_id,
    assignment_type: 'group',
    assigned_at: EXAMPLE_TIMESTAMP,
  },
  meta: EXAMPLE_META,
};

export const BULK_ASSIGNMENT_RESULT_EXAMPLE: { data: BulkAssignmentResult; meta: typeof EXAMPLE_META } = {
  data: {
    user_id: EXAMPLE_IDS.user_id,
    assigned: [EXAMPLE_IDS.application_id],
    already_assigned: ['1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e'],
    assigned_count: 1,
  },
  meta: EXAMPLE_META,
};
