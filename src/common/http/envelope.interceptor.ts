import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { Page } from './page';
import { applyPreparedResponse, preparedResponseFor } from './prepared-response';
import { ifNoneMatchHolds, Versioned } from './versioned';

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
 * Wraps what a handler returns in the contract's envelope; `undefined` (204) stays empty. A
 * Versioned resource is sent with its `ETag` (a GET whose `If-None-Match` names it: 304, no
 * body). A response the write path prepared (an Idempotency-Key's) is sent as prepared.
 */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    return next.handle().pipe(
      map((result: unknown) => {
        if (result === undefined) return undefined;
        const prepared = preparedResponseFor(request, result);
        if (prepared) return applyPreparedResponse(http.getResponse<FastifyReply>(), prepared);
        if (result instanceof Versioned) {
          const notModified =
            (request.method === 'GET' || request.method === 'HEAD') && ifNoneMatchHolds(request, result.version);
          const reply = http.getResponse<FastifyReply>().header('ETag', result.etag);
          if (notModified) {
            void reply.status(304);
            return undefined;
          }
          return envelopeOf(result.body, request.id);
        }
        return envelopeOf(result, request.id);
      }),
    );
  }
}
