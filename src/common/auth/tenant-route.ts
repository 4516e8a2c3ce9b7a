/** Where the authorization guard leaves the tenant it verified; read by @TenantId(). */
export const VERIFIED_TENANT = Symbol('verified tenant');

/** Every tenant-scoped route starts with this, spelled exactly so. */
export const TENANT_ROUTE_PREFIX = '/api/v1/tenants/:tenant_id';

export type TenantScope = 'tenant' | 'across-tenants' | 'unclassified';

/**
 * How a route is scoped, from its path template and its @AcrossTenants() marker: under
 * TENANT_ROUTE_PREFIX the guard checks the token's tenant; a marked route is deliberately
 * outside any tenant; anything else is a route that nobody classified (a path parameter
 * spelled `:tenantId`, say) and the guard refuses it rather than skip the check.
 */
export function tenantScopeOf(routePath: string, acrossTenants: boolean): TenantScope {
  if (routePath === TENANT_ROUTE_PREFIX || routePath.startsWith(`${TENANT_ROUTE_PREFIX}/`)) return 'tenant';
  return acrossTenants ? 'across-tenants' : 'unclassified';
}
