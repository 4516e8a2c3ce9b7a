import { EmbeddedDatabase } from '../../src/database/embedded-database';
import { migrate } from '../../src/database/migrate';
import { createDatabase, freePort, temporaryDataDir } from './test-database';

declare global {
  var __EMBEDDED_TEST_DATABASE__: EmbeddedDatabase | undefined;
}

/**
 * Jest global setup: a real PostgreSQL for every test. DATABASE_URL when set (CI points it
 * at the machine's server), otherwise an embedded one started here. Either way the suite
 * gets a fresh database with the migrations applied, shared by the test files through
 * TEST_DATABASE_URL; tests isolate themselves by creating their own tenants.
 */
export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const embedded = new EmbeddedDatabase({ dataDir: temporaryDataDir(), port: await freePort() });
    serverUrl = await embedded.start();
    globalThis.__EMBEDDED_TEST_DATABASE__ = embedded;
  }
  const testUrl = await createDatabase(serverUrl, `iam_test_${process.pid}`);
  await migrate(testUrl);
  process.env.TEST_SERVER_URL = serverUrl;
  process.env.TEST_DATABASE_URL = testUrl;
}
