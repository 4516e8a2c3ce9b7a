/** Every action the audit trail records, `<resource>.<verb>`. */
export const AUDIT_ACTIONS = [
  'tenant.created',
  'tenant.updated',
  'tenant.deleted',
  'tenant.deletion_completed',
  'user.created',
  'user.updated',
  'user.deleted',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.deletion_completed',
  'group.member_added',
  'group.member_removed',
  'application.created',
  'application.updated',
  'application.deleted',
  'application.deletion_completed',
  'assignment.user_assigned',
  'assignment.user_bulk_assigned',
  'assignment.user_unassigned',
  'assignment.group_assigned',
  'assignment.group_unassigned',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.secret_rotated',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGET_TYPES = ['tenant', 'user', 'group', 'application', 'webhook'] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];
