import { errorKind } from '../common/errors/api-error';

export const ApplicationsErrors = {
  notFound: errorKind(404, 'Application not found'),
};
