import { EmbeddedDatabase } from '../../src/database/embedded-database';
import { freePort } from '../../src/database/free-port';

export const BENCH_EMBEDDED_DIR = '.data/bench-postgres';

export interface BenchDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * The benchmark's PostgreSQL: DATABASE_URL when set, otherwise an embedded server whose
 * data stays under .data/bench-postgres between seeding and benchmarking, on a free port
 * (whatever else runs on the machine, another checkout's benchmark included) unless
 * BENCH_EMBEDDED_PORT pins one.
 */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: () => Promise.resolve() };
  const embedded = new EmbeddedDatabase({
    dataDir: BENCH_EMBEDDED_DIR,
    port: pinnedPort() ?? (await freePort()),
    portSetting: 'BENCH_EMBEDDED_PORT',
  });
  const url = await embedded.start();
  return { url, stop: () => embedded.stop() };
}

function pinnedPort(): number | undefined {
  const raw = process.env.BENCH_EMBEDDED_PORT;
  if (!raw) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write(`BENCH_EMBEDDED_PORT must be a port number (1 to 65535), got ${raw}\n`);
    process.exit(2);
  }
  return port;
}

export function benchTenantSlug(users: number): string {
  return `bench-${users}`;
}

/** `--name value` from argv, or the default. */
export function argument(name: string, fallback?: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && index + 1 < process.argv.length ? process.argv[index + 1] : fallback;
}

export function positiveInteger(name: string, fallback: number): number {
  const raw = argument(name, String(fallback))!.replace(/_/g, '');
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    process.stderr.write(`--${name} must be a positive whole number, got ${raw}\n`);
    process.exit(2);
  }
  return value;
}
