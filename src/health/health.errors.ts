import { errorKind } from '../common/errors/api-error';

export const HealthErrors = {
  /** SIGTERM arrived: the instance finishes what it has and takes nothing new (see Readiness). */
  draining: errorKind(503, 'The instance is shutting down'),
};
