import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthErrors, BEARER_CHALLENGE } from '../common/auth/auth.errors';
import { type ErrorReply, toErrorReply } from '../common/http/error-response';

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Checks `Authorization: Bearer <METRICS_TOKEN>` on a scrape. The token is compared by
 * SHA-256 digest with timingSafeEqual, so neither its content nor its length shows in the
 * time a refusal takes. Without a configured token every scrape is allowed.
 */
export class MetricsAuth {
  private readonly expected?: Buffer;

  constructor(token: string | undefined) {
    this.expected = token === undefined ? undefined : digest(token);
  }

  /** Undefined when the scrape may go ahead; otherwise the 401 to answer, in the service's error shape. */
  refusal(authorization: string | undefined): ErrorReply | undefined {
    if (this.expected === undefined) return undefined;
    const given = authorization === undefined ? null : BEARER.exec(authorization);
    if (given === null) {
      return toErrorReply(AuthErrors.notAuthenticated.errorWithHeaders({ 'WWW-Authenticate': BEARER_CHALLENGE }));
    }
    if (timingSafeEqual(digest(given[1]), this.expected)) return undefined;
    return toErrorReply(
      AuthErrors.invalidToken.errorWithHeaders({ 'WWW-Authenticate': `${BEARER_CHALLENGE}, error="invalid_token"` }),
    );
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
