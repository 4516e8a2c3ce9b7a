import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { isRoot, run } from './system';

/**
 * The Debian packages the cluster runs on: PostgreSQL's server binaries (any version under
 * /usr/lib/postgresql; Debian 12 ships 15), PgBouncer (1.18 on Debian 12) and HAProxy (2.6).
 */

const POSTGRES_ROOT = '/usr/lib/postgresql';
const POSTGRES_TOOLS = ['initdb', 'pg_ctl', 'postgres', 'pg_basebackup', 'pg_controldata'];

/** The bin directory of the newest PostgreSQL with every server tool the cluster uses. */
export function findPostgresBinDir(): string | undefined {
  if (!existsSync(POSTGRES_ROOT)) return undefined;
  return readdirSync(POSTGRES_ROOT)
    .filter((version) => /^\d+$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(POSTGRES_ROOT, version, 'bin'))
    .find((bin) => POSTGRES_TOOLS.every((tool) => existsSync(join(bin, tool))));
}

/** A program on PATH or in the sbin directories (which a non-root PATH often lacks). */
export function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  return dirs
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, name))
    .find((path) => existsSync(path));
}

export interface Programs {
  postgresBin: string;
  pgbouncer: string;
  haproxy: string;
}

/** The programs, or the names of the Debian packages that would provide the missing ones. */
export function locatePrograms(): { programs?: Programs; missing: string[] } {
  const postgresBin = findPostgresBinDir();
  const pgbouncer = findProgram('pgbouncer');
  const haproxy = findProgram('haproxy');
  const missing = [postgresBin ? '' : 'postgresql', pgbouncer ? '' : 'pgbouncer', haproxy ? '' : 'haproxy'].filter(Boolean);
  return postgresBin && pgbouncer && haproxy ? { programs: { postgresBin, pgbouncer, haproxy }, missing } : { missing };
}

/**
 * Installs the missing packages with apt-get (as root; otherwise says which command to run)
 * and returns the programs. On a machine with systemd, Debian starts the packages' own
 * services (pgbouncer on 6432, an haproxy without listeners); the cluster does not use them.
 */
export async function installPackages(log: (line: string) => void = () => undefined): Promise<Programs> {
  const { missing } = locatePrograms();
  if (missing.length > 0) {
    const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
    if (!isRoot()) {
      throw new Error(`missing Debian packages: ${missing.join(', ')}. Install them with: sudo ${command}`);
    }
    log(`installing ${missing.join(', ')} (apt-get)...`);
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    await run('apt-get', ['update'], { env, timeoutMs: 600_000 });
    await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, timeoutMs: 900_000 });
  }
  const { programs, missing: stillMissing } = locatePrograms();
  if (!programs) throw new Error(`still missing after apt-get install: ${stillMissing.join(', ')}`);
  return programs;
}

/** One line per program: `PostgreSQL 15.x`, `PgBouncer 1.18.0`, `HAProxy 2.6.12`. */
export async function programVersions(programs: Programs): Promise<string[]> {
  const firstLine = async (command: string, args: string[]) =>
    (await run(command, args, { allowFailure: true })).stdout.split('\n')[0].trim();
  const postgres = await firstLine(join(programs.postgresBin, 'postgres'), ['--version']);
  const pgbouncer = await firstLine(programs.pgbouncer, ['--version']);
  const haproxy = await firstLine(programs.haproxy, ['-v']);
  return [
    postgres.replace(/^postgres \(PostgreSQL\) /, 'PostgreSQL '),
    pgbouncer,
    haproxy.replace(/^HAProxy version (\S+).*/, 'HAProxy $1'),
  ];
}
