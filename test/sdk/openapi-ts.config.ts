import type { UserConfig } from '@hey-api/openapi-ts' with { 'resolution-mode': 'import' };

/**
 * The TypeScript SDK generated from the committed OpenAPI document (`npm run
 * sdk:generate`), committed under test/sdk/generated and drift-checked by `npm run
 * sdk:check`, which sets SDK_OUTPUT to a temporary folder. Paths are relative to the
 * repository root, where npm runs the scripts.
 */
const config: UserConfig = {
  input: 'openapi.json',
  output: {
    path: process.env.SDK_OUTPUT ?? 'test/sdk/generated',
    // The repository compiles as CommonJS under `nodenext`, where relative imports need no
    // extension (and jest resolves them to the .ts files).
    module: { extension: null },
    // Formatted like the rest of the code (package.json "prettier"), so that `npm run
    // format` leaves the generated files as they are. `--config` because sdk:check
    // generates outside the repository, where prettier would find no configuration.
    postProcess: [{ command: 'prettier', args: ['--config', 'package.json', '--log-level', 'warn', '--write', '{{path}}'] }],
  },
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
};

export default config;
