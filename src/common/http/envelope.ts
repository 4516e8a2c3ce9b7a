import type { FastifyReply, FastifyRequest } from 'fastify';
import { Page } from './page';

/** Route config that keeps a Fastify route's answer as it is (the OpenAPI document). */
export const UNENVELOPED = { envelope: false } as const;

/**
 * Wraps what a handler answers in the contract's envelope: a Page becomes
 * `{data, pagination, meta}`, anything else `{data, meta}`. Errors (4xx, 5xx) keep their own
 * shape, and an empty answer (204) stays empty: Fastify calls this only for a payload it is
 * about to serialize.
 *
 * A Fastify preSerialization hook rather than a Nest interceptor: an interceptor puts every
 * request through RxJS, which cost more CPU than the envelope itself on the hottest reads.
 */
export function envelopeHook(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: null, payload: unknown) => void,
): void {
  if (reply.statusCode >= 400 || (request.routeOptions.config as { envelope?: boolean }).envelope === false) {
    done(null, payload);
    return;
  }
  const meta = { request_id: request.id, timestamp: new Date().toISOString() };
  if (payload instanceof Page) {
    done(null, {
      data: payload.items,
      pagination: {
        page: payload.page,
        per_page: payload.perPage,
        total_items: payload.totalItems,
        total_pages: payload.totalPages,
      },
      meta,
    });
    return;
  }
  done(null, { data: payload, meta });
}
