import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-ID when it is safe to echo and log, otherwise a new UUID. */
export function resolveRequestId(request: IncomingMessage): string {
  const offered = request.headers[REQUEST_ID_HEADER];
  const candidate = Array.isArray(offered) ? offered[0] : offered;
  return candidate && ACCEPTABLE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}
