// ESLint flat config (`npm run lint`, `npm run lint:fix`). At the top level because editors
// and the eslint CLI look for it there. Formatting belongs to prettier (package.json
// "prettier"); eslint-config-prettier, last, turns off every rule that would disagree with it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier/flat';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    name: 'iam/ignores',
    ignores: ['dist/', '.data/', 'node_modules/', 'coverage/', 'test/sdk/generated/', 'test/browser/artifacts/'],
  },
  {
    name: 'iam/linter-options',
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    name: 'iam/javascript',
    rules: {
      // A variable declared before a closure that reads it and assigned once afterwards (the
      // shutdown handler in main.ts, the servers in test/support/token-forge.ts) cannot be
      // const: the closure must exist before the value does.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    name: 'iam/typescript',
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
    },
  },
  {
    name: 'iam/import-order',
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      // One block without blank lines, as the code already has it: side-effect imports,
      // node: builtins, packages, then relative paths, each sorted.
      'simple-import-sort/imports': ['error', { groups: [['^\\u0000', '^node:', '^@?\\w', '^', '^\\.']] }],
      'simple-import-sort/exports': 'error',
    },
  },
  {
    name: 'iam/tests',
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      // Response bodies are `any`: supertest types `response.body` so, and the specs walk
      // JSON (bodies, the OpenAPI document) to assert on it. Declaring a type for every
      // body would restate the response models the assertions are there to check.
      '@typescript-eslint/no-unsafe-assignment': 'off', // const { data } = response.body
      '@typescript-eslint/no-unsafe-member-access': 'off', // response.body.data.id
      '@typescript-eslint/no-unsafe-call': 'off', // response.body.data.map(...)
      '@typescript-eslint/no-unsafe-argument': 'off', // expect(...).toContain(response.body.data[0].id)
      '@typescript-eslint/no-unsafe-return': 'off', // helpers that return response.body.data
    },
  },
  {
    // test/browser/jest.config.js and the webhook receiver's recipe (test/events): CommonJS
    // for Node.js, not part of the TypeScript project.
    name: 'iam/commonjs',
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { __dirname: 'readonly', Buffer: 'readonly' },
    },
  },
  prettier,
);
