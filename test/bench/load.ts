import { Agent, request as httpRequest } from 'node:http';
import autocannon from 'autocannon';

/** Per-connection state of one pass through a scenario's steps (autocannon resets it each pass). */
export type StepContext = Record<string, unknown>;

export interface StepRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
}

/** One request of a scenario; a connection sends the steps in order, then starts over. */
export interface Step {
  label: string;
  /** The status every response must have; any other counts as an error. */
  expect: number;
  request(context: StepContext): StepRequest;
  onResponse?(status: number, body: string, context: StepContext): void;
}

export interface Scenario {
  name: string;
  kind: 'read' | 'write';
  steps: Step[];
  /** Labels of the steps the operation's figures are computed from (default: all). */
  measure?: string[];
  /** Default: the run's --connections. */
  connections?: number;
  /** Default: the run's --duration. */
  durationSeconds?: number;
  /**
   * One client sending the steps back to back over one kept-alive connection (node:http,
   * not autocannon), never cut short: the run lasts durationSeconds and at least
   * MIN_SEQUENTIAL_PASSES passes (the warm-up, warmupSeconds and at least one), so a request
   * slower than the duration still gets figures and none is abandoned mid-flight.
   */
  sequential?: boolean;
  /** Extra facts for the report (e.g. rows inserted per request). */
  notes?(): Record<string, unknown>;
}

export interface Figures {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Responses with another status than expected (all non-2xx among them), plus socket errors and timeouts. */
  errors: number;
}

export interface LoadResult extends Figures {
  durationSeconds: number;
  connections: number;
  statusCodes: Record<string, number>;
  socketErrors: number;
  timeouts: number;
  steps: Array<Figures & { label: string }>;
  notes?: Record<string, unknown>;
}

export interface LoadOptions {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  headers: Record<string, string>;
}

/** Measured passes of a sequential scenario, at the least. */
export const MIN_SEQUENTIAL_PASSES = 3;

/** A warm-up (not counted), then the measured run of `scenario` against `baseUrl`. */
export async function drive(baseUrl: string, scenario: Scenario, options: LoadOptions): Promise<LoadResult> {
  const duration = scenario.durationSeconds ?? options.durationSeconds;
  if (scenario.sequential) {
    if (options.warmupSeconds > 0) await runSequential(baseUrl, scenario, options, options.warmupSeconds, 1);
    return runSequential(baseUrl, scenario, options, duration, MIN_SEQUENTIAL_PASSES);
  }
  if (options.warmupSeconds > 0) await runOnce(baseUrl, scenario, options, options.warmupSeconds);
  return runOnce(baseUrl, scenario, options, duration);
}

/** One response: the index of its step, its status and its latency. */
export interface Sample {
  step: number;
  status: number;
  ms: number;
}

async function runOnce(baseUrl: string, scenario: Scenario, options: LoadOptions, durationSeconds: number): Promise<LoadResult> {
  const samples: Sample[] = [];
  // onResponse runs just before the instance's 'response' event of the same response, synchronously.
  let answered: { step: number; status: number } | undefined;
  const requests: autocannon.Request[] = scenario.steps.map((step, index) => ({
    setupRequest: (request: autocannon.Request, context: object) => {
      const { method, path, body } = step.request(context as StepContext);
      const headers = { ...options.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
      return { ...request, method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) };
    },
    onResponse: (status: number, body: string, context: object) => {
      step.onResponse?.(status, body, context as StepContext);
      answered = { step: index, status };
    },
  }));
  const connections = scenario.connections ?? options.connections;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: baseUrl, connections, duration: durationSeconds, timeout: 120, requests },
      (error, done) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      if (answered) samples.push({ ...answered, ms: responseTime });
      answered = undefined;
    });
  });

  return summarize(scenario, samples, {
    seconds: result.duration,
    connections,
    socketErrors: result.errors - result.timeouts,
    timeouts: result.timeouts,
  });
}

/**
 * The figures of a run from its samples: the operation's (the steps in `measure`, with the
 * socket errors and timeouts) and each step's. `stepErrors` adds errors to steps by index
 * (checks beyond the status, as in the Region Large scenario).
 */
export function summarize(
  scenario: Pick<Scenario, 'steps' | 'measure' | 'notes'>,
  samples: Sample[],
  run: { seconds: number; connections: number; socketErrors: number; timeouts: number; stepErrors?: number[] },
): LoadResult {
  const { seconds } = run;
  const measured = new Set(scenario.measure ?? scenario.steps.map((step) => step.label));
  const figuresOf = (chosen: Sample[], extraErrors: number): Figures => {
    const latencies = chosen.map((sample) => sample.ms).sort((a, b) => a - b);
    return {
      requests: chosen.length,
      requestsPerSecond: seconds > 0 ? round(chosen.length / seconds) : 0,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.length ? round(latencies[latencies.length - 1]) : null,
      errors: chosen.filter((sample) => sample.status !== scenario.steps[sample.step].expect).length + extraErrors,
    };
  };
  const stepErrors = (index: number) => run.stepErrors?.[index] ?? 0;
  const statusCodes: Record<string, number> = {};
  for (const sample of samples) statusCodes[sample.status] = (statusCodes[sample.status] ?? 0) + 1;
  return {
    ...figuresOf(
      samples.filter((sample) => measured.has(scenario.steps[sample.step].label)),
      run.socketErrors +
        run.timeouts +
        scenario.steps.reduce((sum, step, index) => sum + (measured.has(step.label) ? stepErrors(index) : 0), 0),
    ),
    durationSeconds: round(seconds),
    connections: run.connections,
    statusCodes,
    socketErrors: run.socketErrors,
    timeouts: run.timeouts,
    steps: scenario.steps.map((step, index) => ({
      label: step.label,
      ...figuresOf(
        samples.filter((sample) => sample.step === index),
        stepErrors(index),
      ),
    })),
    ...(scenario.notes ? { notes: scenario.notes() } : {}),
  };
}

/** See Scenario.sequential: passes until `seconds` have gone by and at least `minPasses` are done. */
async function runSequential(
  baseUrl: string,
  scenario: Scenario,
  options: LoadOptions,
  seconds: number,
  minPasses: number,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const samples: Sample[] = [];
  let socketErrors = 0;
  let passes = 0;
  const started = performance.now();
  try {
    while (passes < minPasses || performance.now() - started < seconds * 1000) {
      const context: StepContext = {};
      for (const [index, step] of scenario.steps.entries()) {
        const { method, path, body } = step.request(context);
        const sent = performance.now();
        let response: { status: number; body: string };
        try {
          response = await send(agent, `${baseUrl}${path}`, method, options.headers, body);
        } catch {
          socketErrors += 1;
          break; // the rest of the pass depends on this step
        }
        samples.push({ step: index, status: response.status, ms: performance.now() - sent });
        step.onResponse?.(response.status, response.body, context);
      }
      passes += 1;
    }
  } finally {
    agent.destroy();
  }
  return summarize(scenario, samples, {
    seconds: (performance.now() - started) / 1000,
    connections: 1,
    socketErrors,
    timeouts: 0,
  });
}

/** One HTTP request through `agent`; resolves with the status and the whole body. */
export function send(
  agent: Agent,
  url: string,
  method: StepRequest['method'],
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        agent,
        method,
        headers: {
          ...headers,
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
        timeout: 120_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${method} ${url}: no answer within 120 s`)));
    request.on('error', reject);
    request.end(payload);
  });
}

/** Nearest-rank percentile of sorted values, in ms with two decimals. */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
