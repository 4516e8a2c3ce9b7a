import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../app.module';
import { validateEnvironment } from '../config/environment';
import { buildOpenApiDocument, serializeOpenApiDocument } from '../openapi';

export const OPENAPI_DOCUMENT_PATH = resolve(__dirname, '../../openapi.json');

/**
 * Writes the OpenAPI document, keys sorted, to openapi.json. Needs no database: the
 * application is created without connecting (preview mode).
 */
async function main(): Promise<void> {
  const env = validateEnvironment({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(env, 'postgres://unused@127.0.0.1:1/unused'),
    new FastifyAdapter(),
    { preview: true, logger: false },
  );
  writeFileSync(OPENAPI_DOCUMENT_PATH, serializeOpenApiDocument(buildOpenApiDocument(app)));
  await app.close();
  process.stdout.write(`wrote ${OPENAPI_DOCUMENT_PATH}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
