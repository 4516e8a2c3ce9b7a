/**
 * Every change event type: a committed change that can alter who may use what. The names
 * are the audit trail's actions where one exists (`<resource>.<verb>`).
 */
export const CHANGE_EVENT_TYPES = [
  'assignment.user_assigned',
  'assignment.user_unassigned',
  'assignment.group_assigned',
  'assignment.group_unassigned',
  'group.member_added',
  'group.member_removed',
  'user.status_changed',
  'user.deleted',
  'group.deleted',
  'application.deleted',
] as const;
export type ChangeEventType = (typeof CHANGE_EVENT_TYPES)[number];

/** What a change hands to the one write path for the outbox: the type and the ids involved. */
export type ChangeEvent =
  | {
      type: 'assignment.user_assigned' | 'assignment.user_unassigned';
      data: { user_id: string; application_id: string };
    }
  | {
      type: 'assignment.group_assigned' | 'assignment.group_unassigned';
      data: { group_id: string; application_id: string };
    }
  | { type: 'group.member_added' | 'group.member_removed'; data: { group_id: string; user_id: string } }
  | { type: 'user.status_changed'; data: { user_id: string; previous_status: string; status: string } }
  | { type: 'user.deleted'; data: { user_id: string } }
  | { type: 'group.deleted'; data: { group_id: string; deletion_id?: string } }
  | { type: 'application.deleted'; data: { application_id: string; deletion_id?: string } };
