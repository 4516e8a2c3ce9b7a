import { errorKind, errorKindWith } from '../errors/api-error';

/** The challenge of every 401 (RFC 6750). */
export const BEARER_CHALLENGE = 'Bearer realm="iam"';

/** What authentication and authorization answer (RFC 6750: nothing about why a token is invalid). */
export const AuthErrors = {
  notAuthenticated: errorKind(401, 'Not authenticated'),
  invalidToken: errorKind(401, 'Invalid token'),
  wrongTenant: errorKind(403, 'Token is not valid for this tenant'),
  missingScope: errorKindWith(
    403,
    'Missing required scope: <scopes>',
    (scopes: string[]) => `Missing required scope: ${scopes.join(' ')}`,
  ),
  forbidden: errorKind(403, 'Forbidden'),
};
