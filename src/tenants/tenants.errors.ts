import { errorKind } from '../common/errors/api-error';
import { TENANT_NOT_FOUND } from '../common/errors/tenant.errors';

export const TenantsErrors = {
  notFound: TENANT_NOT_FOUND,
  slugTaken: errorKind(409, 'A tenant with this slug already exists'),
};
