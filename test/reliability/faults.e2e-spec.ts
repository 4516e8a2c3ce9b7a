import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { call, HttpAnswer } from '../support/http-client';
import { IsolatedApp, startAppOn } from '../support/isolated-app';
import { TcpProxy } from '../support/tcp-proxy';
import { platformAdminToken, tokenFor } from '../support/test-app';
import { freePort } from '../support/test-database';

/**
 * Faults injected under a running service: the database going away (through a TCP proxy
 * that can be cut) and coming back, and SIGTERM in the middle of a burst of requests
 * against the built service in a child process.
 */

const FAIL_FAST_MS = 6_000;
const counts = { faults: 0, requests: 0, fiveHundreds: 0, unavailable: 0 };

afterAll(() => {
  console.log(
    `faults: ${counts.faults} faults injected, ${counts.requests} requests during faults ` +
      `(${counts.unavailable} expected 503 + Retry-After while the database was away), unexpected 5xx seen: ${counts.fiveHundreds}`,
  );
});

function record(answer: HttpAnswer): HttpAnswer {
  counts.requests += 1;
  if (answer.status === 503) counts.unavailable += 1;
  else if (answer.status >= 500) counts.fiveHundreds += 1;
  return answer;
}

/** 503, Retry-After, `{"detail": "..."}` without driver text, and fast. */
function expectUnavailable(answer: HttpAnswer, what: string): void {
  expect([what, answer.status]).toEqual([what, 503]);
  expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(answer.body).toEqual({ detail: expect.any(String) });
  expect(answer.body.detail).not.toMatch(/ECONN|127\.0\.0\.1|terminated|timeout|postgres|pg_|at \w+ \(/i);
  expect(answer.ms).toBeLessThan(FAIL_FAST_MS);
}

describe('the database goes away under load, and comes back', () => {
  let proxy: TcpProxy;
  let t: IsolatedApp;
  let baseUrl: string;
  let tenantId: string;
  let token: string;

  const usersPath = () => `/api/v1/tenants/${tenantId}/users`;
  const newUser = () => ({ email: `${randomUUID()}@example.com`, display_name: 'Fault User' });

  beforeAll(async () => {
    const target = new URL(process.env.TEST_DATABASE_URL!);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
    t = await startAppOn(proxy.rewrite(target.toString()));
    baseUrl = await t.listen();
    const tenant = await call(baseUrl, 'POST', '/api/v1/tenants', platformAdminToken(), {
      name: 'Faults',
      slug: `faults-${randomUUID().slice(0, 8)}`,
    });
    tenantId = tenant.body.data.id;
    token = tokenFor(tenantId);
  }, 30_000);

  afterAll(async () => {
    await proxy?.restore();
    await t?.close().catch(() => undefined);
    await proxy?.stop();
  });

  /** Workers sending reads and writes back to back until stopped; every answer is kept. */
  function startLoad(workers = 6): { stop: () => Promise<Array<{ at: number; answer?: HttpAnswer; error?: string }>> } {
    let running = true;
    const results: Array<{ at: number; answer?: HttpAnswer; error?: string }> = [];
    const loops = Array.from({ length: workers }, async (_, worker) => {
      for (let round = 0; running && round < 2_000; round += 1) {
        const at = Date.now();
        try {
          const answer =
            (worker + round) % 2 === 0
              ? await call(baseUrl, 'GET', `${usersPath()}?per_page=5`, token, undefined, 15_000)
              : await call(baseUrl, 'POST', usersPath(), token, newUser(), 15_000);
          results.push({ at, answer });
        } catch (error) {
          results.push({ at, error: String(error) });
        }
      }
    });
    return {
      stop: async () => {
        running = false;
        await Promise.all(loops);
        return results;
      },
    };
  }

  it('answers normally through the proxy first', async () => {
    expect((await call(baseUrl, 'GET', '/health/ready')).status).toBe(200);
    expect((await call(baseUrl, 'GET', usersPath(), token)).status).toBe(200);
  });

  it('a statement past its time limit is 504 "took too long", not 503 "unavailable", and changes nothing', async () => {
    // Another session holds the tenant, so the write waits until the server cancels it (5 s).
    const blocker = t.dataSource.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    try {
      await blocker.query(`SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE`, [tenantId]);
      const user = newUser();
      const answer = await call(baseUrl, 'POST', usersPath(), token, user, 10_000);
      expect(answer.status).toBe(504);
      expect(answer.body).toEqual({ detail: 'The request took too long: the database query ran past its time limit' });
      expect(answer.headers.get('retry-after')).toBeNull();
      expect(answer.ms).toBeGreaterThanOrEqual(4_500);
      await blocker.rollbackTransaction();
      const listed = await call(baseUrl, 'GET', `${usersPath()}?q=${encodeURIComponent(user.email)}`, token);
      expect(listed.body.pagination.total_items).toBe(0);
      // And the database is still there: the next request is served.
      expect((await call(baseUrl, 'POST', usersPath(), token, newUser())).status).toBe(201);
    } finally {
      if (blocker.isTransactionActive) await blocker.rollbackTransaction();
      await blocker.release();
    }
  }, 20_000);

  it('database stopped mid-load (connections reset, new ones refused): fast 503 + Retry-After, never a hang or a crash', async () => {
    const load = startLoad();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const cutAt = Date.now();
    await proxy.cut();
    counts.faults += 1;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const results = await load.stop();

    const before = results.filter((result) => result.at < cutAt);
    const after = results.filter((result) => result.at >= cutAt + 100);
    expect(before.filter((result) => result.answer && result.answer.status < 300).length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    for (const result of results) {
      expect(result.error).toBeUndefined();
      record(result.answer!);
      expect([200, 201, 503]).toContain(result.answer!.status);
      expect(result.answer!.ms).toBeLessThan(FAIL_FAST_MS);
      if (result.answer!.status === 503) expectUnavailable(result.answer!, 'load');
    }
    for (const result of after) expect(result.answer!.status).toBe(503);

    expectUnavailable(record(await call(baseUrl, 'GET', '/health/ready')), 'GET /health/ready');
    expectUnavailable(record(await call(baseUrl, 'GET', usersPath(), token)), 'GET users');
    expectUnavailable(record(await call(baseUrl, 'POST', usersPath(), token, newUser())), 'POST user');
    expect((await call(baseUrl, 'GET', '/health/live')).status).toBe(200);
  }, 30_000);

  it('recovers without a restart when the database is back', async () => {
    await proxy.restore();
    const deadline = Date.now() + 15_000;
    let ready = 0;
    while (Date.now() < deadline && ready !== 200) {
      ready = (await call(baseUrl, 'GET', '/health/ready')).status;
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(ready).toBe(200);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        index % 2 ? call(baseUrl, 'POST', usersPath(), token, newUser()) : call(baseUrl, 'GET', usersPath(), token),
      ),
    );
    expect(results.map((result) => result.status).sort()).toEqual([...Array(10).fill(200), ...Array(10).fill(201)]);
  }, 30_000);

  async function waitForRecovery(): Promise<void> {
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await call(baseUrl, 'GET', usersPath(), token)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe(200);
    expect((await call(baseUrl, 'GET', '/health/ready')).status).toBe(200);
  }

  it('database host gone from the network (connections dropped, new ones never answered): 503 within the connect timeout', async () => {
    await proxy.blackhole();
    counts.faults += 1;
    // First, requests meet the pooled connections that just broke; then new connections, which hang until the pool's connect timeout.
    for (const round of ['broken pooled connections', 'connections that are never answered']) {
      const answers = await Promise.all([
        call(baseUrl, 'GET', usersPath(), token, undefined, 15_000),
        call(baseUrl, 'POST', usersPath(), token, newUser(), 15_000),
        call(baseUrl, 'GET', `/api/v1/tenants/${tenantId}`, token, undefined, 15_000),
      ]);
      for (const answer of answers) expectUnavailable(record(answer), round);
    }
    const ready = record(await call(baseUrl, 'GET', '/health/ready'));
    expectUnavailable(ready, 'GET /health/ready');
    expect(ready.ms).toBeLessThan(3_000); // its own 2 s limit
    expect((await call(baseUrl, 'GET', '/health/live')).status).toBe(200);

    await proxy.restore();
    await waitForRecovery();
  }, 40_000);

  it('network partition (connections stay open, nothing comes back): requests still fail fast with 503', async () => {
    // Warm the pool, so the requests below run on connections that will stall.
    await Promise.all(Array.from({ length: 10 }, () => call(baseUrl, 'GET', usersPath(), token)));
    await proxy.stall();
    counts.faults += 1;
    const ready = record(await call(baseUrl, 'GET', '/health/ready'));
    expectUnavailable(ready, 'GET /health/ready');
    const outcomes = await Promise.all(
      Array.from({ length: 3 }, () =>
        call(baseUrl, 'GET', usersPath(), token, undefined, FAIL_FAST_MS + 1_000).then(
          (answer) => ({ status: answer.status, ms: answer.ms, retryAfter: answer.headers.get('retry-after') }),
          (error: Error) => ({
            status: `no answer within ${FAIL_FAST_MS + 1_000} ms (${error.name})`,
            ms: undefined,
            retryAfter: null,
          }),
        ),
      ),
    );
    for (const outcome of outcomes) {
      counts.requests += 1;
      expect(outcome).toEqual({ status: 503, ms: expect.any(Number), retryAfter: expect.stringMatching(/^\d+$/) });
      expect(outcome.ms).toBeLessThan(FAIL_FAST_MS);
    }
    await proxy.restore();
    await waitForRecovery();
  }, 40_000);
});

function isJson(text: string | undefined): boolean {
  try {
    JSON.parse(text ?? '');
    return true;
  } catch {
    return false;
  }
}

describe('SIGTERM during a burst of requests (the built service, in a child process)', () => {
  const root = join(__dirname, '..', '..');
  let child: ChildProcess;
  let port: number;
  let output = '';
  let tenantId: string;
  let token: string;

  beforeAll(async () => {
    await promisify(execFile)('npm', ['run', 'build'], { cwd: root, timeout: 120_000 });
    port = await freePort();
    child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: process.env.TEST_DATABASE_URL,
        DATABASE_MIGRATIONS_RUN: 'false',
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const deadline = Date.now() + 30_000;
    while (!/"msg":"listening"/.test(output)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the service did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const baseUrl = `http://127.0.0.1:${port}`;
    const tenant = await call(baseUrl, 'POST', '/api/v1/tenants', platformAdminToken(), {
      name: 'Shutdown',
      slug: `shutdown-${randomUUID().slice(0, 8)}`,
    });
    tenantId = tenant.body.data.id;
    token = tokenFor(tenantId);
  }, 150_000);

  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  interface RawOutcome {
    status?: number;
    body?: string;
    /** The response had begun (status line received) when the error came. */
    midResponse: boolean;
    error?: string;
  }

  /**
   * One request on its own connection (no keep-alive). With `holdBody`, the headers and
   * half of the body go out at once, the rest when `release()` is called: a request
   * that is in flight for as long as the test wants.
   */
  function send(
    method: string,
    path: string,
    body?: unknown,
    holdBody = false,
  ): { done: Promise<RawOutcome>; release: () => void; started: Promise<void> } {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    let release = () => undefined as void;
    let markStarted = () => undefined as void;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const done = new Promise<RawOutcome>((resolve) => {
      let midResponse = false;
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent: false,
          headers: {
            authorization: `Bearer ${token}`,
            connection: 'close',
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
        },
        (response) => {
          midResponse = true;
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode, body: text, midResponse: false }));
          response.on('error', (error) => resolve({ status: response.statusCode, midResponse: true, error: String(error) }));
        },
      );
      request.on('error', (error) =>
        resolve({ midResponse, error: `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}` }),
      );
      request.on('socket', (socket) => socket.on('connect', () => markStarted()));
      if (payload && holdBody) {
        const half = Math.floor(payload.length / 2);
        request.write(payload.subarray(0, half));
        release = () => request.end(payload.subarray(half));
      } else {
        request.end(payload);
      }
    });
    return { done, release, started };
  }

  it('finishes the requests in flight, refuses none mid-response, and exits with code 0', async () => {
    const users = `/api/v1/tenants/${tenantId}/users`;
    const newUser = () => ({ email: `${randomUUID()}@example.com`, display_name: 'Shutdown User' });

    // Requests in flight for sure: their bodies are only half sent when SIGTERM arrives.
    const held = Array.from({ length: 5 }, () => send('POST', users, newUser(), true));
    await Promise.all(held.map((heldRequest) => heldRequest.started));
    await new Promise((resolve) => setTimeout(resolve, 100));

    // A burst of ordinary requests; SIGTERM goes out while they are on the way, and more
    // keep coming through the drain until the server stops taking connections.
    const fire = (index: number) => (index % 3 === 0 ? send('POST', users, newUser()) : send('GET', `${users}?per_page=5`));
    const burst = Array.from({ length: 60 }, (_, index) => fire(index));
    await new Promise((resolve) => setTimeout(resolve, 15));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    child.kill('SIGTERM');
    counts.faults += 1;
    for (let index = 60; index < 160; index += 1) {
      burst.push(fire(index));
      await new Promise((resolve) => setTimeout(resolve, 3));
    }

    // The held requests complete after the signal: the server must still be serving them.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(child.exitCode).toBeNull(); // still finishing the held requests
    for (const heldRequest of held) heldRequest.release();

    const heldOutcomes = await Promise.all(held.map((heldRequest) => heldRequest.done));
    const burstOutcomes = await Promise.all(burst.map((burstRequest) => burstRequest.done));
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      exited,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no exit within 15 s:\n${output}`)), 15_000))),
    ]).finally(() => clearTimeout(timer));

    expect(heldOutcomes.map((outcome) => outcome.status)).toEqual([201, 201, 201, 201, 201]);
    const answered = burstOutcomes.filter((outcome) => outcome.status !== undefined);
    const unanswered = burstOutcomes.filter((outcome) => outcome.status === undefined);
    counts.requests += heldOutcomes.length + burstOutcomes.length;
    counts.fiveHundreds += answered.filter((outcome) => outcome.status! >= 500).length;
    console.log(
      `SIGTERM: ${answered.length} of the burst answered, ${unanswered.length} refused before any response (${[...new Set(unanswered.map((outcome) => outcome.error))].join('; ')})`,
    );

    expect(answered.length).toBeGreaterThan(0);
    // Every answer complete and a 2xx/4xx: a request the server took in is served, even during the drain.
    const badAnswers = answered
      .filter(
        (outcome) =>
          outcome.midResponse || outcome.error || outcome.status! < 200 || outcome.status! >= 500 || !isJson(outcome.body),
      )
      .map((outcome) => `${outcome.status} ${outcome.body ?? ''} ${outcome.error ?? ''}`.trim());
    expect(badAnswers).toEqual([]);
    // Those without an answer were never taken in (refused or reset at connect), not dropped mid-response.
    const badFailures = unanswered.filter(
      (outcome) => outcome.midResponse || !/ECONNREFUSED|ECONNRESET|EPIPE|socket hang up/.test(outcome.error ?? ''),
    );
    expect(badFailures).toEqual([]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(output).toMatch(/"msg":"shutting down"/);
    expect(output).not.toMatch(/shutdown failed|"level":50/);
  }, 60_000);
});
