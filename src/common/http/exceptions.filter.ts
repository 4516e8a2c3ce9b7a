import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorReply } from './error-response';
import { applyPreparedResponse, PreparedResponseReplay } from './prepared-response';

/**
 * The one place that turns exceptions into responses (see toErrorReply for the mapping).
 * A PreparedResponseReplay is no error: the stored answer of an earlier request with the
 * same Idempotency-Key, sent again as it was, marked `Idempotent-Replayed: true`.
 */
@Catch()
export class ExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const response = http.getResponse<FastifyReply>();
    if (exception instanceof PreparedResponseReplay) {
      if (!response.sent)
        void response.send(applyPreparedResponse(response, exception.response, { 'Idempotent-Replayed': 'true' }));
      return;
    }
    const reply = toErrorReply(exception, {
      body: request.body !== undefined && request.body !== null,
      query: Object.keys(request.query ?? {}).length > 0,
    });
    if (reply.unexpected) {
      this.logger.error(
        {
          msg: 'request failed',
          reqId: request.id,
          method: request.method,
          url: request.routeOptions?.url,
          status: reply.status,
        },
        exception instanceof Error ? exception.stack : String(exception),
      );
    }
    if (response.sent) return;
    response.status(reply.status).headers(reply.headers).send(reply.body);
  }
}
