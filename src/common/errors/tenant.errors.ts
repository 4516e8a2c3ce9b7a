import { errorKind } from './api-error';

/** Every tenant-scoped write and read can answer this, so it lives below the modules (TenantsErrors names it too). */
export const TENANT_NOT_FOUND = errorKind(404, 'Tenant not found');
