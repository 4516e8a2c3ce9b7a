import { HttpException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { RequestValidationException } from './validation.exception';

export interface ErrorReply {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  /** Unexpected: log with stack. */
  unexpected: boolean;
}

export const BEARER_CHALLENGE = 'Bearer realm="iam"';

/**
 * Translates anything thrown while serving a request into the contract's error shapes:
 * `{"detail": [...]}` for 422, `{"detail": "..."}` for everything else. Never exposes a
 * stack trace or SQL.
 */
export function toErrorReply(error: unknown): ErrorReply {
  if (error instanceof RequestValidationException) {
    return reply(422, { detail: error.issues });
  }
  // Nest's Fastify adapter wraps Fastify's own errors (body parsing, size) as the cause of an HttpException.
  const fastifyReply = fromFastifyError(error instanceof HttpException ? error.cause : error);
  if (fastifyReply) return fastifyReply;
  if (error instanceof HttpException) {
    return fromHttpException(error);
  }
  const databaseReply = fromDatabaseError(error);
  if (databaseReply) return databaseReply;
  return { ...reply(500, { detail: 'Internal Server Error' }), unexpected: true };
}

function reply(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): ErrorReply {
  return { status, body, headers, unexpected: false };
}

function fromHttpException(error: HttpException): ErrorReply {
  const status = error.getStatus();
  const response = error.getResponse();
  const headers: Record<string, string> = status === 401 ? { 'WWW-Authenticate': challengeOf(error) } : {};
  if (status === 503) headers['Retry-After'] = '5';
  return { ...reply(status, { detail: messageOf(response, error.message) }, headers), unexpected: status >= 500 };
}

function challengeOf(error: HttpException): string {
  const response = error.getResponse() as { challenge?: string };
  return typeof response === 'object' && response?.challenge ? response.challenge : BEARER_CHALLENGE;
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

function fromDatabaseError(error: unknown): ErrorReply | undefined {
  const driverError = (error instanceof QueryFailedError ? error.driverError : error) as
    { code?: string; message?: string } | undefined;
  const code = driverError?.code;
  if (error instanceof QueryFailedError && code !== undefined) {
    switch (code) {
      case '23505':
        return reply(409, { detail: 'Resource already exists' });
      case '23503':
        return reply(409, { detail: 'Operation conflicts with a related resource' });
      case '22P02':
      case '22001':
      case '22021':
      case '22003':
        return reply(422, { detail: [{ loc: ['body'], msg: 'Input is not acceptable', type: 'value_error' }] });
      case '40001':
      case '40P01':
        return reply(409, { detail: 'Conflicting concurrent update; retry the request' });
      case '57014':
        return reply(503, { detail: 'Database is unavailable' }, { 'Retry-After': '5' });
    }
  }
  if ((code && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) || isConnectionFailure(driverError?.message)) {
    return reply(503, { detail: 'Database is unavailable' }, { 'Retry-After': '5' });
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
