import { dropDatabase } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const serverUrl = process.env.TEST_SERVER_URL;
  const testUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl && testUrl && !globalThis.__EMBEDDED_TEST_DATABASE__) {
    await dropDatabase(serverUrl, new URL(testUrl).pathname.slice(1));
  }
  await globalThis.__EMBEDDED_TEST_DATABASE__?.stop();
}
