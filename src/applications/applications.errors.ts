import { errorKind } from '../common/errors/api-error';

export const ApplicationsErrors = {
  notFound: errorKind(404, 'Application not found'),
  versionMismatch: errorKind(
    412,
    'The application has changed since the version named in If-Match; read it again (GET) for its current ETag',
  ),
};
