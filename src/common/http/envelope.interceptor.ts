import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { Page } from './page';

/**
 * Wraps what a handler returns in the contract's envelope: a Page becomes
 * `{data, pagination, meta}`, anything else `{data, meta}`; `undefined` (204) stays empty.
 */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    return next.handle().pipe(
      map((result: unknown) => {
        if (result === undefined) return undefined;
        const meta = { request_id: request.id, timestamp: new Date().toISOString() };
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
      }),
    );
  }
}
