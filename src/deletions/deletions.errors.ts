import { errorKind } from '../common/errors/api-error';

export const DeletionsErrors = {
  notFound: errorKind(404, 'No deletion of this resource'),
};
