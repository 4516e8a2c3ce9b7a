import type { FastifyReply, FastifyRequest } from 'fastify';
import { Page } from './page';
import { preparedResponseFor } from './prepared-response';
import { ifNoneMatchHolds, Versioned } from './versioned';

/** Route config that keeps a Fastify route's answer as it is (the OpenAPI document). */
export const UNENVELOPED = { envelope: false } as const;

/** The body text of a prepared response, sent by the onSend hook in place of what was serialized. */
const PREPARED_BODY = Symbol('prepared body');

type EnvelopedRequest = FastifyRequest & { [PREPARED_BODY]?: string };

/** The contract's envelope of a handler's result: a Page becomes `{data, pagination, meta}`, anything else `{data, meta}`. */
export function envelopeOf(result: unknown, requestId: string, timestamp = new Date().toISOString()): object {
  const meta = { request_id: requestId, timestamp };
  if (result instanceof Page) {
    return {
      data: result.items,
      pagination: {
        page: result.page,
        per_page: result.perPage,
        total_items: result.totalItems,
        total_pages: result.totalPages,
      },
      meta,
    };
  }
  return { data: result, meta };
}

/**
 * Wraps what a handler answers in the contract's envelope. Errors (4xx, 5xx) keep their own
 * shape, and an empty answer (204) stays empty: Fastify calls this only for a payload it is
 * about to serialize. A Versioned resource is sent with its `ETag` (a GET whose
 * `If-None-Match` names it: 304, no body). A response the write path prepared (an
 * Idempotency-Key's) is sent byte for byte as prepared, by `preparedBodyHook`.
 *
 * A Fastify preSerialization hook rather than a Nest interceptor: an interceptor puts every
 * request through RxJS, which cost more CPU than the envelope itself on the hottest reads.
 */
export function envelopeHook(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: Error | null, payload?: unknown) => void,
): void {
  if (reply.statusCode >= 400 || (request.routeOptions.config as { envelope?: boolean }).envelope === false) {
    done(null, payload);
    return;
  }
  let prepared;
  try {
    prepared = preparedResponseFor(request, payload);
  } catch (error) {
    done(error as Error);
    return;
  }
  if (prepared) {
    void reply.status(prepared.status).headers(prepared.headers);
    (request as EnvelopedRequest)[PREPARED_BODY] = prepared.body;
    done(null, {});
    return;
  }
  if (payload instanceof Versioned) {
    void reply.header('ETag', payload.etag);
    if ((request.method === 'GET' || request.method === 'HEAD') && ifNoneMatchHolds(request, payload.version)) {
      void reply.status(304);
      done(null, {});
      return;
    }
    done(null, envelopeOf(payload.body, request.id));
    return;
  }
  done(null, envelopeOf(payload, request.id));
}

/**
 * onSend: a prepared response's own text replaces the placeholder the envelope hook
 * serialized, and a 304 goes without one (and without a Content-Length of it).
 */
export function preparedBodyHook(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: null, payload: unknown) => void,
): void {
  if (reply.statusCode === 304) {
    done(null, null);
    return;
  }
  const prepared = (request as EnvelopedRequest)[PREPARED_BODY];
  done(null, prepared ?? payload);
}
