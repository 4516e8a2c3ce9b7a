import { errorKind } from '../errors/api-error';

/** What database failures mean to a caller, whatever the operation. */
export const DatabaseErrors = {
  unavailable: errorKind(503, 'Database is unavailable'),
  /**
   * A statement cancelled by the query time limit: not an outage, and retrying the same
   * request at once will not help (gRPC's DEADLINE_EXCEEDED, which maps to 504).
   */
  timedOut: errorKind(504, 'The request took too long: the database query ran past its time limit'),
  duplicate: errorKind(409, 'Resource already exists'),
  relatedConflict: errorKind(409, 'Operation conflicts with a related resource'),
  concurrentUpdate: errorKind(409, 'Conflicting concurrent update; retry the request'),
};
