import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DestinationStream } from 'pino';
import supertest from 'supertest';
import { DataSource } from 'typeorm';
import { mintDevelopmentToken } from '../../src/common/auth/development-token';
import { PLATFORM_ADMIN, TENANT_SCOPES } from '../../src/common/auth/scopes';
import { createRootLogger } from '../../src/common/logging/logger';
import { DEVELOPMENT_JWT_SECRET, Environment, validateEnvironment } from '../../src/config/environment';
import { createApp } from '../../src/create-app';

export const NIL_TENANT = '00000000-0000-0000-0000-000000000000';

export interface TestApp {
  app: NestFastifyApplication;
  http: supertest.Agent;
  dataSource: DataSource;
  env: Environment;
  close(): Promise<void>;
}

/** The real application (real pipes, guards, filters) on the suite's PostgreSQL. */
/** `logs` receives the application's JSON log lines when given (otherwise LOG_LEVEL decides, silent by default). */
export async function startTestApp(overrides: Record<string, string> = {}, logs?: DestinationStream): Promise<TestApp> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests through jest (global setup)');
  const env = validateEnvironment({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_MIGRATIONS_RUN: 'false', ...overrides });
  const app = await createApp(env, url, createRootLogger(env.LOG_LEVEL, logs));
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    http: supertest.agent(app.getHttpServer()),
    dataSource: app.get<DataSource>(getDataSourceToken()),
    env,
    close: () => app.close(),
  };
}

export function tokenFor(tenantId: string, scopes: readonly string[] = TENANT_SCOPES, subject = 'test-user'): string {
  return mintDevelopmentToken({ secret: DEVELOPMENT_JWT_SECRET, tenantId, scopes, subject });
}

export function platformAdminToken(subject = 'platform-admin'): string {
  return tokenFor(NIL_TENANT, [PLATFORM_ADMIN], subject);
}

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}
