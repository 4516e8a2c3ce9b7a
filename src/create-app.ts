import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger as Pino } from 'pino';
import { AppModule } from './app.module';
import { JsonLogger } from './common/logging/logger';
import { resolveRequestId } from './common/http/request-id';
import { Environment } from './config/environment';
import { configureApp } from './app.setup';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Creates the configured application without listening (main and the tests share it). */
export async function createApp(env: Environment, databaseUrl: string, logger: Pino): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    genReqId: resolveRequestId,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env, databaseUrl), adapter, {
    logger: new JsonLogger(logger),
    abortOnError: false,
  });
  configureApp(app);
  await app.init();
  return app;
}
