import { UnprocessableEntityException } from '@nestjs/common';

export type ErrorLocation = Array<string | number>;

export interface ValidationIssue {
  loc: ErrorLocation;
  msg: string;
  type: string;
}

/** A 422 whose body is the reference's HTTPValidationError: `{"detail": [issues]}`. */
export class RequestValidationException extends UnprocessableEntityException {
  constructor(readonly issues: ValidationIssue[]) {
    super({ detail: issues });
  }

  static single(loc: ErrorLocation, msg: string, type: string): RequestValidationException {
    return new RequestValidationException([{ loc, msg, type }]);
  }
}
