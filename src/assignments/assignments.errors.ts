import { errorKind, errorKindWith } from '../common/errors/api-error';

export const AssignmentsErrors = {
  alreadyAssignedToUser: errorKind(409, 'Application is already assigned to this user'),
  alreadyAssignedToGroup: errorKind(409, 'Application is already assigned to this group'),
  notAssignedToUser: errorKind(404, 'Application is not assigned to this user'),
  notAssignedToGroup: errorKind(404, 'Application is not assigned to this group'),
  applicationsNotFound: errorKindWith(
    404,
    'Applications not found: <ids>',
    (ids: string[]) => `Applications not found: ${ids.join(', ')}`,
  ),
  /** A foreign key failed during a write: the user, group or application was deleted meanwhile. */
  goneMeanwhile: errorKind(404, 'User, group or application not found'),
};
