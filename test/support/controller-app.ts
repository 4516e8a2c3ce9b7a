import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Provider, Type } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import supertest from 'supertest';
import { configureApp } from '../../src/app.setup';
import { AuthModule } from '../../src/common/auth/auth.module';
import { resolveRequestId } from '../../src/common/http/request-id';
import { ConfigModule } from '../../src/config/config.module';
import { validateEnvironment } from '../../src/config/environment';

export interface ControllerApp {
  app: NestFastifyApplication;
  http: supertest.Agent;
  close(): Promise<void>;
}

/** A jest mock for each method of a service the controller calls (and nothing else). */
export type ServiceStub<T, K extends keyof T> = { [P in K]: jest.Mock };

/** The production request ids (the caller's X-Request-ID when safe), so `meta.request_id` means the same here. */
function genReqId(request: IncomingMessage | Http2ServerRequest): string {
  return resolveRequestId(request as IncomingMessage);
}

/**
 * One controller in a small Nest application, without a database: the real Fastify
 * adapter, the real global guards (JWT, tenant and scopes) and configureApp's pipes,
 * filter and envelope, with the service replaced by `providers` (stubs under the service
 * class token). For what a request turns into before the service runs, and what the
 * caller sees of what it returns; what the service does is the e2e suites' business.
 */
export async function startControllerApp(controller: Type, providers: Provider[]): Promise<ControllerApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(validateEnvironment({ NODE_ENV: 'test', LOG_LEVEL: 'silent' })), AuthModule],
    controllers: [controller],
    providers,
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter({ genReqId }), {
    logger: false,
  });
  configureApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, http: supertest.agent(app.getHttpServer()), close: () => app.close() };
}

/** Stubs for the given methods, each a bare jest.fn() (a test says what it resolves to). */
export function stubService<T, K extends keyof T>(methods: readonly K[]): ServiceStub<T, K> {
  return Object.fromEntries(methods.map((method) => [method, jest.fn()])) as ServiceStub<T, K>;
}

/** Not one method of the stub ran: the request was answered before the service. */
export function expectServiceUntouched(stub: Record<string, jest.Mock>): void {
  for (const [method, mock] of Object.entries(stub)) {
    expect({ method, calls: mock.mock.calls.length }).toEqual({ method, calls: 0 });
  }
}
