import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A child process serving HTTP on 127.0.0.1 (the service or the bare baseline). */
export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  stop(): Promise<void>;
}

const MAIN_JS = 'dist/src/main.js';
// The service applies pending migrations before it listens (a counter backfill takes a while at 1M users).
const READY_TIMEOUT_MS = 300_000;
const STOP_TIMEOUT_MS = 10_000;

/** `npm run build` when dist/src/main.js is missing or older than any file under src/. */
export function buildIfStale(): void {
  if (existsSync(MAIN_JS) && newestMtime('src') <= statSync(MAIN_JS).mtimeMs) return;
  process.stdout.write('building the service (npm run build)...\n');
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `node <args>` with `env` added to this process's environment and waits until
 * `readyPath` answers 200; rejects if the child exits or is not ready within 60 s.
 */
export async function startServer(
  name: string,
  args: string[],
  port: number,
  env: Record<string, string>,
  readyPath: string,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = { name, pid: child.pid!, url, stop: () => stopChild(child, exited) };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (child.exitCode === null) {
    if (await answers(`${url}${readyPath}`)) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${name} was not ready within ${READY_TIMEOUT_MS / 1000} s`);
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 200))]);
  }
  throw new Error(`${name} exited with code ${child.exitCode} before it was ready`);
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).status === 200;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL if the child has not exited after 10 s. */
async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
