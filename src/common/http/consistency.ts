import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseWalPosition, type WalPosition } from '../../replicas/wal-position';
import { RequestValidationException } from './validation.exception';

/**
 * Read-your-writes across replicas. Every write's response carries `Consistency-Token`: the
 * primary's WAL position once the write has committed. A read that sends it back is served
 * by a replica only once that replica has replayed the position, otherwise by the primary.
 */
export const CONSISTENCY_TOKEN_HEADER = 'consistency-token';

const CONSISTENCY = Symbol('request consistency');

type RequestWithConsistency = FastifyRequest & { [CONSISTENCY]?: RequestConsistency };

/**
 * What one request knows about consistency, carried explicitly (on the request, its
 * Principal, and as an argument of the routed reads) rather than in an AsyncLocalStorage,
 * which on Node 20 makes every promise of the process slower.
 */
export class RequestConsistency {
  /** The position the request's token names (undefined: it sent none, or no routed read looked). */
  position?: WalPosition;
  /** The write's commit position, sent back in the response header. */
  committedAt?: string;
  /** Where the request's routed reads go, chosen at its first one (a page and its total from one server). */
  readTarget?: unknown;
}

/** The request's consistency state, made at its first use (the token is parsed only where a read takes it). */
export function consistencyOf(request: FastifyRequest): RequestConsistency {
  const carrier = request as RequestWithConsistency;
  return (carrier[CONSISTENCY] ??= new RequestConsistency());
}

/**
 * The consistency state of a read that may go to a replica, with the position its
 * `Consistency-Token` names; a malformed token is a 422 (on every deployment, replicas or not).
 */
export const ReadConsistency = createParamDecorator((_: unknown, context: ExecutionContext): RequestConsistency => {
  const request = context.switchToHttp().getRequest<RequestWithConsistency>();
  const header = request.headers[CONSISTENCY_TOKEN_HEADER];
  const text = typeof header === 'string' ? header : header?.[0];
  let position: WalPosition | undefined;
  if (text !== undefined) {
    position = parseWalPosition(text.trim());
    if (position === undefined) {
      throw RequestValidationException.single(
        ['header', CONSISTENCY_TOKEN_HEADER],
        'Consistency-Token must be the value a write response carried in its Consistency-Token header, e.g. 0/16B3748',
        'consistency_token_invalid',
      );
    }
  }
  const consistency = consistencyOf(request);
  consistency.position = position;
  return consistency;
});

/** Fastify onSend hook: a write's response carries its token. */
export function consistencyTokenHook(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: Error | null, payload?: unknown) => void,
): void {
  const committedAt = (request as RequestWithConsistency)[CONSISTENCY]?.committedAt;
  if (committedAt !== undefined) void reply.header(CONSISTENCY_TOKEN_HEADER, committedAt);
  done(null, payload);
}
