import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export { freePort } from '../../src/database/free-port';

export function temporaryDataDir(): string {
  // The embedded server runs as the `postgres` user when we are root, so it needs a path it can reach.
  const parent = mkdtempSync(join(tmpdir(), 'iam-test-pg-'));
  chmodSync(parent, 0o755);
  return join(parent, 'data');
}

/** Creates a fresh database next to the one in `url` and returns its URL. */
export async function createDatabase(url: string, name: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

export async function dropDatabase(url: string, name: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
