// Jest config for the cluster suite (`npm run test:cluster`): the real processes of the local
// cluster (PostgreSQL primary and streaming replica, PgBouncer, three instances of the built
// service, HAProxy) started by test/cluster/local-cluster.ts, faults injected into them. It
// reuses the transform of the main config but not its global setup (the cluster brings its
// own databases). `npm test` never picks these files up: its testRegex matches `.spec.ts`
// and `.e2e-spec.ts` only.
const path = require('node:path');
const { jest: base } = require('../../package.json');

module.exports = {
  rootDir: path.resolve(__dirname, '../..'),
  testEnvironment: base.testEnvironment,
  moduleFileExtensions: base.moduleFileExtensions,
  transform: base.transform,
  testRegex: 'test/cluster/.*\\.cluster-spec\\.ts$',
  testTimeout: 300000,
  maxWorkers: 1,
};
