import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serializeOpenApiDocument } from '../src/openapi';
import { emitOpenApiDocument } from '../src/openapi-offline';

describe('committed OpenAPI document', () => {
  it('is exactly what the code emits (run `npm run openapi:export` after an API change)', async () => {
    const committed = readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8');
    expect(serializeOpenApiDocument(await emitOpenApiDocument())).toBe(committed);
  });
});
