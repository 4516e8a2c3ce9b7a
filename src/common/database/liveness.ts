/**
 * A resource whose deletion was accepted is gone for every read from that moment, though a
 * background worker removes its rows later (deletion_requested_at). Statements that find a
 * tenant-scoped row check its tenant with this condition; $1 is the tenant, as everywhere.
 */
export const TENANT_IS_LIVE = `EXISTS (SELECT 1 FROM tenants live_tenant WHERE live_tenant.id = $1 AND live_tenant.deletion_requested_at IS NULL)`;
