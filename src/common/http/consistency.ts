import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseWalPosition, type WalPosition } from '../../replicas/wal-position';
import { RequestValidationException } from './validation.exception';

/**
 * Read-your-writes across replicas. Every write's response carries `Consistency-Token`: the
 * primary's WAL position once the write has committed. A read that sends it back is served
 * by a replica only once that replica has replayed the position, otherwise by the primary.
 */
export const CONSISTENCY_TOKEN_HEADER = 'consistency-token';

/** What one request knows about consistency: the token it presented, and the position its write committed at. */
export interface RequestConsistency {
  /** The header as sent (checked when a read needs it, so that a route that reads none ignores it). */
  presented?: string;
  /** The write's commit position, sent back in the response header. */
  committedAt?: string;
  /** Where this request's routed reads go, chosen at its first one (a page and its total from one server). */
  readTarget?: unknown;
}

export const requestConsistency = new AsyncLocalStorage<RequestConsistency>();

/** Fastify onRequest hook: the rest of the request runs with its consistency state. */
export function consistencyHook(request: FastifyRequest, _reply: FastifyReply, done: () => void): void {
  const header = request.headers[CONSISTENCY_TOKEN_HEADER];
  requestConsistency.run({ presented: typeof header === 'string' ? header : header?.[0] }, done);
}

/** Fastify onSend hook: a write's response carries its token. */
export function consistencyTokenHook(
  _request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: Error | null, payload?: unknown) => void,
): void {
  const committedAt = requestConsistency.getStore()?.committedAt;
  if (committedAt !== undefined) void reply.header(CONSISTENCY_TOKEN_HEADER, committedAt);
  done(null, payload);
}

/** The position the current request's token names (undefined: none); a malformed token is a 422. */
export function presentedPosition(store: RequestConsistency | undefined): WalPosition | undefined {
  if (store?.presented === undefined) return undefined;
  const position = parseWalPosition(store.presented.trim());
  if (position === undefined) {
    throw RequestValidationException.single(
      ['header', CONSISTENCY_TOKEN_HEADER],
      'Consistency-Token must be the value a write response carried in its Consistency-Token header, e.g. 0/16B3748',
      'consistency_token_invalid',
    );
  }
  return position;
}
