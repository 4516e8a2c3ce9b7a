import { applyDecorators, HttpCode, Type } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { AuthErrors } from '../auth/auth.errors';
import type { DocumentedError } from '../errors/api-error';
import { IdempotencyErrors } from '../errors/idempotency.errors';
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
  /** A POST that creates or assigns: takes an `Idempotency-Key` (replays: `Idempotent-Replayed`; in flight: 409). */
  idempotent?: boolean;
  /** The success response carries the resource's `ETag`. */
  etag?: boolean;
  /** A GET that answers 304 when `If-None-Match` names the current ETag. */
  ifNoneMatch?: boolean;
  /** A PATCH or DELETE that takes `If-Match` (list the resource's 412 error in `errors`). */
  ifMatch?: boolean;
  /**
   * A heavy read a replica may serve: documents `Consistency-Token` (src/replicas/read-class.ts lists them; the App
   * Assignments reads take it undocumented, as their reference operations list their parameters exactly).
   */
  replicaRead?: boolean;
}

const ETAG_HEADER = {
  description: 'The version of the resource, a strong entity tag (`"v3"`): send it in `If-Match` or `If-None-Match`.',
  schema: { type: 'string' },
};

const IDEMPOTENT_HEADERS = [
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Makes a retry safe (IETF draft-ietf-httpapi-idempotency-key-header): 1 to 255 printable ASCII characters, unique per request, e.g. a UUID. ' +
      'Within 24 hours, the same key with the same request replays the first response (with `Idempotent-Replayed: true`) without doing the work again; ' +
      'with another body or operation it is a 422; while the first request is in flight, a 409 with `Retry-After: 1`. ' +
      "Keys are scoped to the tenant and the token's subject. A request that fails records nothing.",
    schema: { type: 'string', minLength: 1, maxLength: 255 },
  }),
];

/** Documents an operation the way the original backend did, and sets its success status. */
export function Endpoint(options: EndpointOptions) {
  const messages = new Map<DocumentedStatus, Set<string>>();
  for (const error of [...(options.public ? [] : AUTHENTICATED_ERRORS), ...(options.errors ?? [])]) add(messages, error);
  if (options.idempotent) add(messages, IdempotencyErrors.inFlight);
  const successHeaders = {
    ...(options.etag ? { ETag: ETAG_HEADER } : {}),
    ...(options.idempotent
      ? {
          'Idempotent-Replayed': {
            description: '`true` when this is the stored response of an earlier request with the same Idempotency-Key.',
            schema: { type: 'string', enum: ['true'] },
          },
        }
      : {}),
  };
  return applyDecorators(
    ApiOperation({ summary: options.summary, description: options.description }),
    HttpCode(options.status),
    ...(options.idempotent ? IDEMPOTENT_HEADERS : []),
    ...(options.replicaRead
      ? [
          ApiHeader({
            name: 'Consistency-Token',
            required: false,
            description:
              'Read your writes: the `Consistency-Token` of a write response. The read is then served by a replica only ' +
              'once it has replayed that write, otherwise by the primary. Without it, a replica within the lag bound may serve it.',
            schema: { type: 'string', pattern: '^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$', example: '0/16B3748' },
          }),
        ]
      : []),
    ...(options.ifNoneMatch
      ? [
          ApiHeader({
            name: 'If-None-Match',
            required: false,
            description: 'ETags (or `*`) the caller holds: when one is current, the answer is 304 without a body.',
            schema: { type: 'string' },
          }),
        ]
      : []),
    ...(options.ifMatch
      ? [
          ApiHeader({
            name: 'If-Match',
            required: false,
            description:
              'Changes the resource only at one of these ETags (`*`: at any), checked atomically with the change; otherwise 412 and nothing changes.',
            schema: { type: 'string' },
          }),
        ]
      : []),
    ApiResponse({
      status: options.status,
      description: 'Successful Response',
      type: options.response,
      ...(options.example === undefined ? {} : { example: options.example }),
      ...(Object.keys(successHeaders).length > 0 ? { headers: successHeaders } : {}),
    }),
    ...(options.ifNoneMatch
      ? [
          ApiResponse({
            status: 304,
            description: 'Not Modified: the ETag named in If-None-Match is current; no body.',
            headers: { ETag: ETAG_HEADER },
          }),
        ]
      : []),
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

function add(messages: Map<DocumentedStatus, Set<string>>, error: DocumentedStatus | DocumentedError): void {
  const status = typeof error === 'number' ? error : error.status;
  const listed = messages.get(status) ?? new Set<string>();
  if (typeof error !== 'number') listed.add(error.documented);
  messages.set(status, listed);
}

/** `No such resource in this tenant: "User not found", "Application not found"` (422 keeps the reference's words). */
function describe(status: DocumentedStatus, messages: Set<string>): string {
  if (status === 422 || messages.size === 0) return ERROR_DESCRIPTIONS[status];
  return `${ERROR_DESCRIPTIONS[status]}: ${[...messages].map((message) => `"${message}"`).join(', ')}`;
}
