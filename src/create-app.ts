import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger as Pino } from 'pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { toErrorReply } from './common/http/error-response';
import { resolveRequestId } from './common/http/request-id';
import { JsonLogger } from './common/logging/logger';
import { Environment } from './config/environment';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Creates the configured application without listening (main and the tests share it). */
export async function createApp(env: Environment, databaseUrl: string, logger: Pino): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    genReqId: resolveRequestId,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: true,
    // On SIGTERM, requests already on open connections are served (the pool closes only
    // after the server has drained) instead of Fastify's own 503 body.
    return503OnClosing: false,
    // Errors Fastify raises before routing (over-long path parameters, bad URLs) in the contract's shape too.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const { status, headers, body } = toErrorReply(error);
      void reply.code(status).headers(headers).send(body);
    },
  });
  // Load balancers probe /health/* every second or so: their requests are logged only at warn and above.
  adapter.getInstance().addHook('onRoute', (route) => {
    if (route.url.startsWith('/health/')) route.logLevel = 'warn';
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env, databaseUrl), adapter, {
    logger: new JsonLogger(logger),
    abortOnError: false,
  });
  configureApp(app);
  await app.init();
  return app;
}
