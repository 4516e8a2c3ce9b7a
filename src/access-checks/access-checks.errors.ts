import { ApplicationsErrors } from '../applications/applications.errors';
import { UsersErrors } from '../users/users.errors';

/**
 * A check names a user and an application of the tenant; either unknown is the same 404 as
 * everywhere else in the API (for a batch, the same detail in that item's `error`).
 */
export const AccessChecksErrors = {
  userNotFound: UsersErrors.notFound,
  applicationNotFound: ApplicationsErrors.notFound,
};
