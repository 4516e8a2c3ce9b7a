import { HttpException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { BEARER_CHALLENGE } from '../auth/auth.errors';
import { DatabaseErrors } from '../database/database.errors';
import { ApiError, type DocumentedError } from '../errors/api-error';
import { RequestValidationException } from './validation.exception';

export interface ErrorReply {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  /** Unexpected: log with stack. */
  unexpected: boolean;
}

/** Which parts of the request carried input, for naming the location of a value the database refused. */
export interface RequestInputs {
  body: boolean;
  query: boolean;
}

const RETRY_AFTER = { 'Retry-After': '5' };

/**
 * Translates anything thrown while serving a request into the contract's error shapes:
 * `{"detail": [...]}` for 422, `{"detail": "..."}` for everything else. Never exposes a
 * stack trace or SQL.
 */
export function toErrorReply(error: unknown, inputs: RequestInputs = { body: true, query: false }): ErrorReply {
  if (error instanceof RequestValidationException) {
    return reply(422, { detail: error.issues });
  }
  if (error instanceof ApiError) {
    return fromApiError(error.kind, error.message, error.headers);
  }
  // Nest's Fastify adapter wraps Fastify's own errors (body parsing, size) as the cause of an HttpException.
  const fastifyReply = fromFastifyError(error instanceof HttpException ? error.cause : error);
  if (fastifyReply) return fastifyReply;
  if (error instanceof HttpException) {
    return fromHttpException(error);
  }
  const databaseReply = fromDatabaseError(error, inputs);
  if (databaseReply) return databaseReply;
  return { ...reply(500, { detail: 'Internal Server Error' }), unexpected: true };
}

function reply(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): ErrorReply {
  return { status, body, headers, unexpected: false };
}

function fromApiError(kind: DocumentedError, message: string, headers: Record<string, string> = {}): ErrorReply {
  const extra: Record<string, string> = { ...headers };
  if (kind.status === 401 && !extra['WWW-Authenticate']) extra['WWW-Authenticate'] = BEARER_CHALLENGE;
  if (kind.status === 503) Object.assign(extra, RETRY_AFTER);
  return reply(kind.status, { detail: message }, extra);
}

/** Nest's own exceptions (a route that does not exist, a method not allowed, an unexpected 500). */
function fromHttpException(error: HttpException): ErrorReply {
  const status = error.getStatus();
  const headers: Record<string, string> = status === 401 ? { 'WWW-Authenticate': BEARER_CHALLENGE } : {};
  if (status === 503) Object.assign(headers, RETRY_AFTER);
  // A 500 is a bug of ours (a guard or decorator that found the server misconfigured): its message is for the log only.
  const detail = status === 500 ? 'Internal Server Error' : messageOf(error.getResponse(), error.message);
  return { ...reply(status, { detail }, headers), unexpected: status >= 500 };
}

function messageOf(response: string | object, fallback: string): string {
  if (typeof response === 'string') return response;
  const candidate = (response as { detail?: unknown; message?: unknown }).detail ?? (response as { message?: unknown }).message;
  if (typeof candidate === 'string') return candidate;
  if (Array.isArray(candidate)) return candidate.join('; ');
  return fallback;
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

function fromFastifyError(error: unknown): ErrorReply | undefined {
  const { code, statusCode } = (error ?? {}) as FastifyLikeError;
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return reply(422, { detail: [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }] });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return reply(422, { detail: [{ loc: ['body'], msg: 'Field required', type: 'missing' }] });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return reply(413, { detail: 'Request body is too large' });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return reply(422, { detail: [{ loc: ['path'], msg: 'Path parameter is too long', type: 'string_too_long' }] });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return reply(415, { detail: 'Unsupported media type; send application/json' });
    default:
      if (statusCode && statusCode >= 400 && statusCode < 500) {
        return reply(statusCode, { detail: 'Bad request' });
      }
      return undefined;
  }
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** SQLSTATEs of a value PostgreSQL cannot take: invalid text representation, too long, bad encoding, out of range. */
const INVALID_VALUE_CODES = new Set(['22P02', '22001', '22021', '22003']);

function fromDatabaseError(error: unknown, inputs: RequestInputs): ErrorReply | undefined {
  const driverError = (error instanceof QueryFailedError ? error.driverError : error) as
    { code?: string; message?: string } | undefined;
  const code = driverError?.code;
  if (error instanceof QueryFailedError && code !== undefined) {
    if (INVALID_VALUE_CODES.has(code)) {
      // Validation let a value through that the database refuses; the error does not say
      // which, only the part of the request it can have come from.
      const loc = inputs.body ? 'body' : inputs.query ? 'query' : 'path';
      return reply(422, { detail: [{ loc: [loc], msg: 'Input is not acceptable', type: 'value_error' }] });
    }
    switch (code) {
      case '23505':
        return fromApiError(DatabaseErrors.duplicate, DatabaseErrors.duplicate.documented);
      case '23503':
        return fromApiError(DatabaseErrors.relatedConflict, DatabaseErrors.relatedConflict.documented);
      case '40001':
      case '40P01':
        return fromApiError(DatabaseErrors.concurrentUpdate, DatabaseErrors.concurrentUpdate.documented);
      case '57014':
        return fromApiError(DatabaseErrors.timedOut, DatabaseErrors.timedOut.documented);
    }
  }
  if ((code && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) || isConnectionFailure(driverError?.message)) {
    return fromApiError(DatabaseErrors.unavailable, DatabaseErrors.unavailable.documented);
  }
  return undefined;
}

function isConnectionFailure(message: string | undefined): boolean {
  return (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout|the database system is (starting up|shutting down)/i.test(
      message,
    )
  );
}
