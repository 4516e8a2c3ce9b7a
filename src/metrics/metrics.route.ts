import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UNENVELOPED } from '../common/http/envelope';
import { toErrorReply } from '../common/http/error-response';
import { Environment } from '../config/environment';
import { Metrics } from './metrics.service';
import { MetricsAuth } from './metrics-auth';

/**
 * `GET /metrics` on the API's own port, only when METRICS_TOKEN is set (and then only with
 * it). A plain Fastify route, like /openapi.json: outside the controllers, so it is not in
 * the OpenAPI document and the JWT and tenant guards never see it (its token is not a JWT).
 */
@Injectable()
export class MetricsRoute implements OnModuleInit {
  private readonly logger = new Logger('Metrics');

  constructor(
    private readonly metrics: Metrics,
    private readonly env: Environment,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as { getInstance(): FastifyInstance } | undefined;
    if (!adapter || this.env.METRICS_TOKEN === undefined) return;
    const auth = new MetricsAuth(this.env.METRICS_TOKEN);
    adapter
      .getInstance()
      .get('/metrics', { logLevel: 'warn', config: UNENVELOPED }, async (request: FastifyRequest, reply: FastifyReply) => {
        const refusal = auth.refusal(request.headers.authorization);
        if (refusal) return reply.code(refusal.status).headers(refusal.headers).send(refusal.body);
        try {
          const text = await this.metrics.registry.metrics();
          return reply.type(this.metrics.registry.contentType).send(text);
        } catch (error) {
          this.logger.error({ msg: 'metrics collection failed', err: String(error) });
          const failed = toErrorReply(error);
          return reply.code(failed.status).send(failed.body);
        }
      });
  }
}
