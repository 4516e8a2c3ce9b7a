import { applyDecorators, HttpCode, Type } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { AuthErrors } from '../auth/auth.errors';
import type { DocumentedError } from '../errors/api-error';
import { ErrorResponse, HTTPValidationError } from './validation-error.dto';

type DocumentedStatus = 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 503 | 504;

const ERROR_DESCRIPTIONS: Record<DocumentedStatus, string> = {
  401: 'Missing, invalid or expired bearer token',
  403: 'Token for another tenant, or missing scope',
  404: 'No such resource in this tenant',
  409: 'Conflicts with existing data',
  412: 'The resource changed since the version the request names',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Validation Error',
  503: 'Database unavailable',
  504: 'The request took too long',
};

/** Errors every authenticated operation can answer. */
const AUTHENTICATED_ERRORS: Array<DocumentedStatus | DocumentedError> = [
  AuthErrors.notAuthenticated,
  AuthErrors.invalidToken,
  AuthErrors.wrongTenant,
  AuthErrors.missingScope,
  422,
];

export interface EndpointOptions {
  summary: string;
  description?: string;
  status: 200 | 201 | 202 | 204;
  /** The response schema class; omitted for 204. */
  response?: Type<unknown>;
  /** Errors beyond 401/403/422: named errors (their messages are listed) or bare statuses. */
  errors?: Array<DocumentedStatus | DocumentedError>;
  /** For public endpoints: no 401/403. */
  public?: boolean;
  /** The whole success body, where the schema's own example would mislead (a shared `dict`). */
  example?: unknown;
  /** A DELETE that may instead be accepted for the background: its 202 body (the deletion to poll). */
  accepted?: Type<unknown>;
}

/** Documents an operation the way the original backend did, and sets its success status. */
export function Endpoint(options: EndpointOptions) {
  const messages = new Map<DocumentedStatus, Set<string>>();
  for (const error of [...(options.public ? [] : AUTHENTICATED_ERRORS), ...(options.errors ?? [])]) {
    const status = typeof error === 'number' ? error : error.status;
    const listed = messages.get(status) ?? new Set<string>();
    if (typeof error !== 'number') listed.add(error.documented);
    messages.set(status, listed);
  }
  return applyDecorators(
    ApiOperation({ summary: options.summary, description: options.description }),
    HttpCode(options.status),
    ApiResponse({
      status: options.status,
      description: 'Successful Response',
      type: options.response,
      ...(options.example === undefined ? {} : { example: options.example }),
    }),
    ...(options.accepted
      ? [
          ApiResponse({
            status: 202,
            description:
              'Accepted: too large to delete within the request. The resource is gone for every read from now on; its rows are removed in the background. Poll the `Location` header for the deletion.',
            type: options.accepted,
            headers: { Location: { description: 'The deletion to poll', schema: { type: 'string' } } },
          }),
        ]
      : []),
    ...[...messages.keys()].sort().map((status) =>
      ApiResponse({
        status,
        description: describe(status, messages.get(status)!),
        type: status === 422 ? HTTPValidationError : ErrorResponse,
      }),
    ),
  );
}

/** `No such resource in this tenant: "User not found", "Application not found"` (422 keeps the reference's words). */
function describe(status: DocumentedStatus, messages: Set<string>): string {
  if (status === 422 || messages.size === 0) return ERROR_DESCRIPTIONS[status];
  return `${ERROR_DESCRIPTIONS[status]}: ${[...messages].map((message) => `"${message}"`).join(', ')}`;
}
