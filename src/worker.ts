import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { createRootLogger, JsonLogger } from './common/logging/logger';
import { EnvironmentError, validateEnvironment } from './config/environment';
import { migrate } from './database/migrate';

/**
 * `npm run worker`: the background work (effective-access rebuilds, deletions) in a process
 * of its own, for deployments where the API instances run with BACKGROUND_WORKERS=false.
 * Serves no HTTP. Any number may run: each batch claims its item with FOR UPDATE SKIP LOCKED.
 * Needs DATABASE_URL (an embedded database belongs to `npm start`).
 */
async function main(): Promise<void> {
  let env;
  try {
    env = validateEnvironment({
      ...process.env,
      BACKGROUND_WORKERS: 'true',
      // The worker serves no reads: it opens no replica pools and runs no replica checks.
      DATABASE_REPLICA_URLS: '',
      // No write in this process wakes its lanes, so unless told otherwise they keep looking
      // every EVENT_RELAY_POLL_MS (250 ms for the maintenance) rather than backing off.
      BACKGROUND_IDLE_MAX_MS: process.env.BACKGROUND_IDLE_MAX_MS || '10',
    });
  } catch (error) {
    if (error instanceof EnvironmentError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  if (!env.DATABASE_URL) {
    process.stderr.write(
      'Invalid configuration:\n  - DATABASE_URL: required by the worker (the embedded database belongs to npm start)\n',
    );
    process.exit(1);
  }
  const logger = createRootLogger(env.LOG_LEVEL);
  if (env.DATABASE_MIGRATIONS_RUN) await migrate(env.DATABASE_MIGRATION_URL ?? env.DATABASE_URL);
  const context = await NestFactory.createApplicationContext(AppModule.forRoot(env, env.DATABASE_URL), {
    logger: new JsonLogger(logger),
  });
  context.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  logger.info({ context: 'Worker' }, 'background worker running');
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
