import { errorKind } from '../common/errors/api-error';

export const UsersErrors = {
  notFound: errorKind(404, 'User not found'),
  emailTaken: errorKind(409, 'A user with this email already exists in this tenant'),
  versionMismatch: errorKind(
    412,
    'The user has changed since the version named in If-Match; read it again (GET) for its current ETag',
  ),
};
