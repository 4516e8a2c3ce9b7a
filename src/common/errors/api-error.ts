/** The statuses a named error can answer with (422 has its own shape: RequestValidationException). */
export type ErrorStatus = 401 | 403 | 404 | 409 | 412 | 413 | 415 | 503 | 504;

/**
 * A named error of the API: the status and the message clients see, defined once (in the
 * `*.errors.ts` file of its module), thrown by services and guards, turned into
 * `{"detail": message}` by the one exception filter, and listed in the OpenAPI document by
 * the operations that declare it.
 */
export interface DocumentedError {
  readonly status: ErrorStatus;
  readonly documented: string;
}

export class ErrorKind<Args extends unknown[] = []> implements DocumentedError {
  constructor(
    readonly status: ErrorStatus,
    /** The message as the OpenAPI document shows it (`<ids>` where a value is filled in). */
    readonly documented: string,
    private readonly format: (...args: Args) => string,
  ) {}

  /** The error to throw. */
  error(...args: Args): ApiError {
    return new ApiError(this, this.format(...args));
  }

  /** The error to throw, with response headers (`WWW-Authenticate`, `Retry-After`). */
  errorWithHeaders(headers: Record<string, string>, ...args: Args): ApiError {
    return new ApiError(this, this.format(...args), headers);
  }
}

/** An error with a fixed message. */
export function errorKind(status: ErrorStatus, message: string): ErrorKind {
  return new ErrorKind(status, message, () => message);
}

/** An error whose message names values (the ids that were not found, ...). */
export function errorKindWith<Args extends unknown[]>(
  status: ErrorStatus,
  documented: string,
  format: (...args: Args) => string,
): ErrorKind<Args> {
  return new ErrorKind(status, documented, format);
}

export class ApiError extends Error {
  constructor(
    readonly kind: DocumentedError,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): ErrorStatus {
    return this.kind.status;
  }
}
