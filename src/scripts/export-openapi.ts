import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { serializeOpenApiDocument } from '../openapi';
import { emitOpenApiDocument } from '../openapi-offline';

export const OPENAPI_DOCUMENT_PATH = resolve(__dirname, '../../openapi.json');

/** Writes the OpenAPI document, keys sorted, to the committed openapi.json. */
async function main(): Promise<void> {
  writeFileSync(OPENAPI_DOCUMENT_PATH, serializeOpenApiDocument(await emitOpenApiDocument()));
  process.stdout.write(`wrote ${OPENAPI_DOCUMENT_PATH}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
