// Jest config for the browser tests (`npm run test:browser`). It reuses the main config from
// package.json (transform, transformIgnorePatterns, globalSetup/globalTeardown, which provide
// the PostgreSQL database) and changes only which files run and their timeout. `npm test`
// never picks these files up: its testRegex matches `.spec.ts` and `.e2e-spec.ts` only.
const path = require('node:path');
const { jest: base } = require('../../package.json');

module.exports = {
  ...base,
  rootDir: path.resolve(__dirname, '../..'),
  testRegex: 'test/browser/.*\\.browser-spec\\.ts$',
  testTimeout: 60000,
};
