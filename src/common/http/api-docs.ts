import { applyDecorators, HttpCode, Type } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ErrorResponse, HTTPValidationError } from './validation-error.dto';

export type ErrorStatus = 401 | 403 | 404 | 409 | 413 | 415 | 422 | 503;

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  401: 'Missing, invalid or expired bearer token',
  403: 'Token for another tenant, or missing scope',
  404: 'No such resource in this tenant',
  409: 'Conflicts with existing data',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Validation Error',
  503: 'Database unavailable',
};

/** Errors every authenticated operation can answer. */
const AUTHENTICATED_ERRORS: ErrorStatus[] = [401, 403, 422];

export interface EndpointOptions {
  summary: string;
  description?: string;
  status: 200 | 201 | 204;
  /** The response schema class; omitted for 204. */
  response?: Type<unknown>;
  /** Errors beyond 401/403/422. */
  errors?: ErrorStatus[];
  /** For public endpoints: no 401/403. */
  public?: boolean;
  /** The whole success body, where the schema's own example would mislead (a shared `dict`). */
  example?: unknown;
}

/** Documents an operation the way the original backend did, and sets its success status. */
export function Endpoint(options: EndpointOptions) {
  const errors = new Set<ErrorStatus>([...(options.public ? [] : AUTHENTICATED_ERRORS), ...(options.errors ?? [])]);
  return applyDecorators(
    ApiOperation({ summary: options.summary, description: options.description }),
    HttpCode(options.status),
    ApiResponse({
      status: options.status,
      description: 'Successful Response',
      type: options.response,
      ...(options.example === undefined ? {} : { example: options.example }),
    }),
    ...[...errors].sort().map((status) =>
      ApiResponse({
        status,
        description: ERROR_DESCRIPTIONS[status],
        type: status === 422 ? HTTPValidationError : ErrorResponse,
      }),
    ),
  );
}
