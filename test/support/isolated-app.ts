import { AddressInfo } from 'node:net';
import { getDataSourceToken } from '@nestjs/typeorm';
import supertest from 'supertest';
import { DataSource } from 'typeorm';
import { createRootLogger } from '../../src/common/logging/logger';
import { validateEnvironment } from '../../src/config/environment';
import { createApp } from '../../src/create-app';
import { migrate } from '../../src/database/migrate';
import type { TestApp } from './test-app';
import { createDatabase, dropDatabase } from './test-database';

export interface IsolatedApp extends TestApp {
  /** The database this app alone uses: whole-database checks see only this suite's rows. */
  databaseUrl: string;
  /** Set by listen(): the base URL of a real socket, for clients other than supertest. */
  baseUrl?: string;
  listen(): Promise<string>;
}

/**
 * A fresh database of its own (migrations applied) and the real application on it, so a
 * suite can compare whole tables before and after a request while other suites run.
 */
export async function createIsolatedDatabase(label: string): Promise<string> {
  const serverUrl = process.env.TEST_SERVER_URL;
  if (!serverUrl) throw new Error('TEST_SERVER_URL is not set: run the tests through jest (global setup)');
  const url = await createDatabase(serverUrl, `iam_${label}_${process.pid}`);
  await migrate(url);
  return url;
}

export async function dropIsolatedDatabase(url: string): Promise<void> {
  const serverUrl = process.env.TEST_SERVER_URL;
  if (serverUrl) await dropDatabase(serverUrl, new URL(url).pathname.slice(1)).catch(() => undefined);
}

export async function startIsolatedApp(label: string, overrides: Record<string, string> = {}): Promise<IsolatedApp> {
  const databaseUrl = await createIsolatedDatabase(label);
  const app = await startAppOn(databaseUrl, overrides);
  return {
    ...app,
    close: async () => {
      await app.close();
      await dropIsolatedDatabase(databaseUrl);
    },
  };
}

/** The real application on the given database (the URL may point through a proxy). */
export async function startAppOn(databaseUrl: string, overrides: Record<string, string> = {}): Promise<IsolatedApp> {
  const env = validateEnvironment({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_MIGRATIONS_RUN: 'false', ...overrides });
  const app = await createApp(env, databaseUrl, createRootLogger(env.LOG_LEVEL));
  await app.getHttpAdapter().getInstance().ready();
  const result: IsolatedApp = {
    app,
    http: supertest.agent(app.getHttpServer()),
    dataSource: app.get<DataSource>(getDataSourceToken()),
    env,
    databaseUrl,
    close: () => app.close(),
    listen: async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.getHttpServer().address() as AddressInfo;
      result.baseUrl = `http://127.0.0.1:${port}`;
      return result.baseUrl;
    },
  };
  return result;
}
