import { errorKind } from '../common/errors/api-error';

export const UsersErrors = {
  notFound: errorKind(404, 'User not found'),
  emailTaken: errorKind(409, 'A user with this email already exists in this tenant'),
};
