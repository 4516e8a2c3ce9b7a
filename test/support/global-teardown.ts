import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { dropDatabase } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const serverUrl = process.env.TEST_SERVER_URL;
  const testUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl && testUrl && !globalThis.__EMBEDDED_TEST_DATABASE__) {
    await dropDatabase(serverUrl, new URL(testUrl).pathname.slice(1));
  }
  const embedded = globalThis.__EMBEDDED_TEST_DATABASE__;
  if (embedded) {
    await embedded.stop();
    await rm(dirname(embedded.dataDir), { recursive: true, force: true });
  }
}
