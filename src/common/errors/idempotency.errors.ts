import { RequestValidationException } from '../http/validation.exception';
import { errorKind } from './api-error';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

export const IdempotencyErrors = {
  /** Answered with `Retry-After: 1`. */
  inFlight: errorKind(
    409,
    'A request with this Idempotency-Key is still being processed; retry after it completes to get its response',
  ),
};

/** 422 in the validation shape, at `["header", "idempotency-key"]`. */
export const IdempotencyKeyRejections = {
  malformed: (msg: string) =>
    RequestValidationException.single(['header', IDEMPOTENCY_KEY_HEADER], msg, 'idempotency_key_invalid'),
  reused: (operation: string, sameOperation: boolean) =>
    RequestValidationException.single(
      ['header', IDEMPOTENCY_KEY_HEADER],
      sameOperation
        ? 'This Idempotency-Key was already used with a different request body; send the original body to get its response again, or use a new key'
        : `This Idempotency-Key was already used for another operation (${operation}); use a new key`,
      'idempotency_key_reused',
    ),
};
