import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Logger as Pino } from 'pino';
import { DataSource } from 'typeorm';
import { createRootLogger } from './common/logging/logger';
import { Environment, EnvironmentError, validateEnvironment } from './config/environment';
import { createApp } from './create-app';
import { printDevelopmentBanner, seedDemoTenant } from './database/demo-seed';
import { EmbeddedDatabase } from './database/embedded-database';
import { migrate } from './database/migrate';
import { Readiness } from './health/readiness';

async function main(): Promise<void> {
  let env: Environment;
  try {
    env = validateEnvironment(process.env);
  } catch (error) {
    if (error instanceof EnvironmentError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createRootLogger(env.LOG_LEVEL);

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = new EmbeddedDatabase({
      dataDir: env.EMBEDDED_DATABASE_DIR,
      port: env.EMBEDDED_DATABASE_PORT,
      portSetting: 'EMBEDDED_DATABASE_PORT',
      onLog: (message) => logger.debug({ context: 'EmbeddedPostgres' }, message.trim()),
    });
    logger.info({ context: 'Bootstrap' }, `No DATABASE_URL: starting embedded PostgreSQL (data in ${env.EMBEDDED_DATABASE_DIR})`);
    databaseUrl = await embedded.start();
  }

  let app: NestFastifyApplication | undefined;
  installShutdown(logger, async () => {
    if (app && env.SHUTDOWN_DRAIN_MS > 0) {
      // Out of the load balancer's rotation first (its health checks now fail), still serving.
      app.get(Readiness).startDraining();
      logger.info({ context: 'Bootstrap', drain_ms: env.SHUTDOWN_DRAIN_MS }, 'draining: /health/ready answers 503');
      await new Promise((resolve) => setTimeout(resolve, env.SHUTDOWN_DRAIN_MS));
    }
    await app?.close();
    await embedded?.stop();
  });

  if (env.DATABASE_MIGRATIONS_RUN) {
    const applied = await migrate(env.DATABASE_MIGRATION_URL ?? databaseUrl);
    if (applied.length > 0) logger.info({ context: 'Bootstrap', migrations: applied }, 'migrations applied');
  }
  app = await createApp(env, databaseUrl, logger);
  if (env.NODE_ENV === 'development' && env.DEMO_SEED) {
    const dataSource = app.get<DataSource>(getDataSourceToken());
    await seedDemoTenant(dataSource, logger);
    await app.listen({ port: env.PORT, host: env.HOST });
    await printDevelopmentBanner(dataSource, env, await app.getUrl());
  } else {
    await app.listen({ port: env.PORT, host: env.HOST });
  }
  logger.info({ context: 'Bootstrap', port: env.PORT }, 'listening');
}

/**
 * SIGTERM/SIGINT: fail the readiness check for SHUTDOWN_DRAIN_MS while still serving, then stop
 * accepting, finish in-flight requests, close the pools, stop the embedded database.
 */
function installShutdown(logger: Pino, close: () => Promise<void>): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.info({ context: 'Bootstrap', signal }, 'shutting down');
    close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ context: 'Bootstrap', err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
