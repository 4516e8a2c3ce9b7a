import { errorKind } from '../common/errors/api-error';

export const GroupsErrors = {
  notFound: errorKind(404, 'Group not found'),
  versionMismatch: errorKind(
    412,
    'The group has changed since the version named in If-Match; read it again (GET) for its current ETag',
  ),
  nameTaken: errorKind(409, 'A group with this name already exists in this tenant'),
  alreadyMember: errorKind(409, 'User is already a member of this group'),
  notMember: errorKind(404, 'User is not a member of this group'),
  /** A foreign key failed during a write: the tenant, group or user was deleted meanwhile. */
  goneMeanwhile: errorKind(404, 'Tenant, group or user not found'),
};
