import { errorKind } from '../common/errors/api-error';

export const TenantsErrors = {
  notFound: errorKind(404, 'Tenant not found'),
  slugTaken: errorKind(409, 'A tenant with this slug already exists'),
};
