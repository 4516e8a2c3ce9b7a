import { execFile } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export { portFree } from '../../src/database/free-port';

/**
 * The operating-system chores of the local cluster: commands (as the `postgres` user when we
 * are root), pid files, ports, waiting, log tails.
 */

export const PG_OS_USER = 'postgres';

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command that failed; its output is in the message. */
export class CommandError extends Error {}

export interface RunOptions {
  /** Run as the `postgres` OS user when we are root (PostgreSQL and PgBouncer refuse root). */
  asPostgres?: boolean;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Resolve with the exit code instead of rejecting on a non-zero one. */
  allowFailure?: boolean;
  timeoutMs?: number;
}

export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const [file, argv] = options.asPostgres && isRoot() ? ['runuser', ['-u', PG_OS_USER, '--', command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    execFile(
      file,
      argv,
      {
        env: { ...process.env, ...options.env },
        // The postgres user cannot enter root's working directory (initdb warns, pg_ctl fails).
        cwd: options.cwd ?? '/',
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        if (code !== 0 && !options.allowFailure) {
          const output = `${stdout}${stderr}`.trim();
          reject(new CommandError(`${[file, ...argv].join(' ')} failed (exit ${code})${output ? `:\n${output}` : ''}`));
          return;
        }
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let postgresIds: { uid: number; gid: number } | undefined;

/** Gives a path to the `postgres` OS user (only when we are root; otherwise we own it already). */
export function chownToPostgres(path: string): void {
  if (!isRoot()) return;
  postgresIds ??= lookUpPostgresUser();
  chownSync(path, postgresIds.uid, postgresIds.gid);
}

function lookUpPostgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${PG_OS_USER}:`));
  if (!line) throw new Error(`there is no "${PG_OS_USER}" OS user (the postgresql package creates it)`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** mkdir -p, then mode and owner (the postgres user's when `postgresOwned` and we are root). */
export function ensureDir(path: string, mode: number, postgresOwned = false): void {
  mkdirSync(path, { recursive: true, mode });
  if (postgresOwned) chownToPostgres(path);
}

/**
 * The postgres user must be able to walk down to its directories. Returns the first
 * ancestor it cannot traverse (others have no x bit), if any.
 */
export function untraversableAncestor(path: string): string | undefined {
  if (!isRoot()) return undefined;
  postgresIds ??= lookUpPostgresUser();
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const stat = statSync(dir);
    const traversable =
      stat.uid === postgresIds.uid ? stat.mode & 0o100 : stat.gid === postgresIds.gid ? stat.mode & 0o010 : stat.mode & 0o001;
    if (!traversable) return dir;
    if (dir === dirname(dir)) return undefined;
  }
}

/** Whether a process with this pid runs (another user's counts; a zombie, exited but not reaped, does not). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ...": the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** The command line of a process ('' when it is gone), to tell our process from a reused pid. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0].trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The pid in the file when that process is alive and its command line contains `expected`. */
export function runningPid(pidFile: string, expected: string): number | undefined {
  const pid = readPid(pidFile);
  return pid !== undefined && processAlive(pid) && commandLine(pid).includes(expected) ? pid : undefined;
}

/** Sends `signal`, waits up to `timeoutMs` for the process to go, then SIGKILLs it. Returns how it ended. */
export async function terminate(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<'exited' | 'killed'> {
  try {
    process.kill(pid, signal);
  } catch {
    return 'exited';
  }
  if (await waitUntil(() => !processAlive(pid), timeoutMs, 100)) return 'exited';
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'exited';
  }
  await waitUntil(() => !processAlive(pid), 5_000, 100);
  return 'killed';
}

/** Polls `check` until it is true or `timeoutMs` has passed; returns whether it became true. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portAnswers(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Who listens on a port, as `ss` tells it (empty when unknown). */
export async function portListener(port: number): Promise<string> {
  const { stdout } = await run('ss', ['-Hltnp', `sport = :${port}`], { allowFailure: true }).catch(() => ({ stdout: '' }));
  const users = /users:\(\((.*)\)\)/.exec(stdout);
  return users ? users[1] : stdout.trim();
}

/** The status code of a GET, or undefined when nothing answered in time. */
export async function httpStatus(url: string, timeoutMs = 2_000): Promise<number | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}

/** The last `lines` lines of a log file (at most 64 KiB read), or a note that it does not exist. */
export function tail(path: string, lines = 25): string {
  if (!existsSync(path)) return `(no log file ${path})`;
  const size = statSync(path).size;
  const length = Math.min(size, 64 * 1024);
  const buffer = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  const text = buffer.toString('utf8').trimEnd();
  return text === '' ? `(${path} is empty)` : text.split('\n').slice(-lines).join('\n');
}

/** A piece of the cluster failed; the message ends with the tail of its log. */
export class PieceError extends Error {
  constructor(message: string, logFile?: string) {
    super(logFile ? `${message}\n--- last lines of ${logFile} ---\n${tail(logFile)}\n---` : message);
  }
}
