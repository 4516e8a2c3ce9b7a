import { spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterSettings, instancePort } from './cluster-settings';
import { ensureDir, PieceError, portAnswers, run, runningPid, terminate, waitUntil } from './system';

export const BACKEND = 'instances';

/** HAProxy's name for instance i; also the value of the X-Served-By response header. */
export function serverName(index: number): string {
  return `instance-${index}`;
}

/**
 * haproxy.cfg for HAProxy 2.6: one HTTP frontend on the cluster port, the instances behind it,
 * a stats page on its own port.
 *
 * Which requests HAProxy retries (read in configuration.txt of 2.6, `retries`, `retry-on`,
 * `http-request disable-l7-retry`, and checked against a server that drops requests):
 * - `conn-failure` retries a request whose connection to the server failed, so it was never
 *   sent: safe for every method.
 * - `empty-response` and `response-timeout` are "L7 retries": HAProxy keeps a copy of the
 *   request (when it fits one buffer, tune.bufsize, 16 kB) and sends it again. 2.6 applies
 *   them to EVERY method: a POST whose instance died before answering was sent 4 times
 *   (1 + retries 3) in that check. A POST the first instance had already committed would be
 *   done twice (a duplicate create, or the client's own request answered 409).
 * So L7 retries are disabled for everything but GET/HEAD and requests that carry an
 * Idempotency-Key (the service answers a replay of those with the first response, and a
 * crashed request leaves no key behind). Connection failures are still retried for all.
 */
export function haproxyConfig(settings: ClusterSettings): string {
  const servers: string[] = [];
  for (let i = 1; i <= settings.instances; i++) {
    servers.push(`  server ${serverName(i)} 127.0.0.1:${instancePort(settings, i)} check`);
  }
  return [
    '# Written by test/cluster/haproxy.ts at every start of the local cluster.',
    'global',
    '  # HAProxy runs in the foreground with stdout going to logs/haproxy.log: one line per request.',
    '  log stdout format raw local0',
    '  maxconn 4096',
    '  # A soft stop (SIGUSR1, cluster:down) waits for open connections at most this long.',
    '  hard-stop-after 10s',
    '',
    'defaults',
    '  mode http',
    '  log global',
    '  option httplog',
    '  option dontlognull',
    '  # Loopback: a connection that takes more than 1 s will not come. Also the pause before a',
    '  # retry on the same server: min(timeout connect, 1 s).',
    '  timeout connect 1s',
    '  timeout client 60s',
    '  # The service cancels a request statement after 5 s and its client gives up 0.5 s later;',
    '  # background work is not done in requests. 30 s is only reached by a hung instance.',
    '  timeout server 30s',
    '  timeout http-request 10s',
    '  timeout http-keep-alive 10s',
    '  timeout queue 5s',
    '  # /health/ready answers within 2 s (its own database time limit).',
    '  timeout check 3s',
    '',
    'frontend api',
    `  bind 127.0.0.1:${settings.haproxyPort}`,
    '  # The service trusts X-Forwarded-For (Fastify trustProxy) for the client address it logs.',
    '  option forwardfor',
    `  default_backend ${BACKEND}`,
    '',
    `backend ${BACKEND}`,
    '  # Requests are short and alike; round robin spreads them evenly and makes it easy to see',
    '  # (X-Served-By, the instance logs). leastconn would only help with long or uneven requests.',
    '  balance roundrobin',
    '  # An instance gets traffic only while it answers 200 on /health/ready (its database answers).',
    '  option httpchk GET /health/ready',
    '  http-check expect status 200',
    '  # Fast for a local cluster: checked every second, out after 1 failed check, back after 2.',
    '  default-server inter 1s fall 1 rise 2',
    '  retries 3',
    '  # Every retry goes to another instance (plain "option redispatch" moves only the last one).',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response response-timeout',
    '  # See the comment in test/cluster/haproxy.ts: 2.6 would replay a POST too.',
    '  http-request disable-l7-retry unless METH_GET || { req.hdr(idempotency-key) -m found }',
    '  # Close the server side after each response (clients keep their keep-alive): no request is',
    '  # ever written into an idle connection that an instance is closing (graceful stop, restart),',
    '  # so such a failure is a connection failure, which is retried for every method. A new',
    '  # loopback connection per request costs little. http-reuse does not apply then.',
    '  option http-server-close',
    '  # Which instance answered (a local cluster: shows the balancing, helps tests).',
    '  http-response set-header X-Served-By %[srv_name]',
    ...servers,
    '',
    'listen stats',
    `  bind 127.0.0.1:${settings.haproxyStatsPort}`,
    '  stats enable',
    '  stats uri /',
    '  stats refresh 5s',
    '  no log',
    '',
  ].join('\n');
}

export interface ServerState {
  name: string;
  /** UP, DOWN, "UP 1/2" (coming up), MAINT, no check... */
  status: string;
}

export class HaProxy {
  constructor(
    private readonly settings: ClusterSettings,
    private readonly program: string,
  ) {}

  get logFile(): string {
    return join(this.settings.paths.logs, 'haproxy.log');
  }

  get url(): string {
    return `http://127.0.0.1:${this.settings.haproxyPort}`;
  }

  get statsUrl(): string {
    return `http://127.0.0.1:${this.settings.haproxyStatsPort}/`;
  }

  pid(): number | undefined {
    return runningPid(this.settings.paths.haproxyPid, 'haproxy');
  }

  /** Checks and writes the configuration, then runs HAProxy in the background, detached from us. */
  async start(): Promise<void> {
    if (this.pid() !== undefined) return;
    const { paths } = this.settings;
    ensureDir(paths.haproxyDir, 0o755);
    ensureDir(paths.run, 0o755);
    ensureDir(paths.logs, 0o755, true);
    writeFileSync(paths.haproxyCfg, haproxyConfig(this.settings));
    try {
      await run(this.program, ['-c', '-q', '-f', paths.haproxyCfg]);
    } catch (error) {
      throw new PieceError(`HAProxy refused its configuration ${paths.haproxyCfg}: ${(error as Error).message}`);
    }
    const log = openSync(this.logFile, 'a');
    try {
      // Foreground mode (no -D): the child is HAProxy itself, its pid is ours to record.
      const child = spawn(this.program, ['-f', paths.haproxyCfg], { detached: true, stdio: ['ignore', log, log] });
      child.unref();
      writeFileSync(paths.haproxyPid, `${child.pid}\n`);
    } finally {
      closeSync(log);
    }
    const up = await waitUntil(async () => this.pid() !== undefined && (await portAnswers(this.settings.haproxyPort)), 10_000);
    if (!up) throw new PieceError(`HAProxy does not answer on port ${this.settings.haproxyPort}`, this.logFile);
  }

  /** SIGUSR1: soft stop (stops listening, lets open requests finish, hard-stop-after 10 s); SIGKILL after 15 s. */
  async stop(): Promise<boolean> {
    const pid = this.pid();
    if (pid === undefined) return false;
    await terminate(pid, 'SIGUSR1', 15_000);
    return true;
  }

  /** Each instance's state as HAProxy's health checks see it (from the stats page's CSV). */
  async servers(): Promise<ServerState[]> {
    const response = await fetch(`${this.statsUrl};csv`, { signal: AbortSignal.timeout(2_000) });
    const [header, ...rows] = (await response.text()).replace(/^# /, '').trim().split('\n');
    const columns = header.split(',');
    const [proxy, name, status] = ['pxname', 'svname', 'status'].map((column) => columns.indexOf(column));
    return rows
      .map((row) => row.split(','))
      .filter((cells) => cells[proxy] === BACKEND && cells[name] !== 'BACKEND')
      .map((cells) => ({ name: cells[name], status: cells[status] }));
  }
}
