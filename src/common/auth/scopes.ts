export const PLATFORM_ADMIN = 'platform:admin';

export const Scope = {
  TenantsRead: 'tenants:read',
  UsersRead: 'users:read',
  UsersWrite: 'users:write',
  GroupsRead: 'groups:read',
  GroupsWrite: 'groups:write',
  ApplicationsRead: 'applications:read',
  ApplicationsWrite: 'applications:write',
  AssignmentsRead: 'assignments:read',
  AssignmentsWrite: 'assignments:write',
  AuditRead: 'audit:read',
  /** Webhook subscriptions, their delivery attempts, and the change events they carry. */
  WebhooksRead: 'webhooks:read',
  WebhooksWrite: 'webhooks:write',
  /** Ask whether a user may use an application (the gateway's question); nothing else. */
  AccessCheck: 'access:check',
  PlatformAdmin: PLATFORM_ADMIN,
} as const;
export type Scope = (typeof Scope)[keyof typeof Scope];

/** Every scope a tenant's own token can carry (all but platform:admin). */
export const TENANT_SCOPES: readonly string[] = Object.values(Scope).filter((scope) => scope !== PLATFORM_ADMIN);
