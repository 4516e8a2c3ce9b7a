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
  /** Extra facts for the report (e.g. rows inserted per request). */
  notes?(): Record<string, unknown>;
}

export interface Figures {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
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

/** A warm-up (not counted), then the measured run of `scenario` against `baseUrl`. */
export async function drive(baseUrl: string, scenario: Scenario, options: LoadOptions): Promise<LoadResult> {
  if (options.warmupSeconds > 0) await runOnce(baseUrl, scenario, options, options.warmupSeconds);
  return runOnce(baseUrl, scenario, options, options.durationSeconds);
}

interface Sample {
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

  const seconds = result.duration;
  const measured = new Set(scenario.measure ?? scenario.steps.map((step) => step.label));
  const figuresOf = (chosen: Sample[], extraErrors: number): Figures => {
    const latencies = chosen.map((sample) => sample.ms).sort((a, b) => a - b);
    return {
      requests: chosen.length,
      requestsPerSecond: round(chosen.length / seconds),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      errors: chosen.filter((sample) => sample.status !== scenario.steps[sample.step].expect).length + extraErrors,
    };
  };
  const statusCodes: Record<string, number> = {};
  for (const sample of samples) statusCodes[sample.status] = (statusCodes[sample.status] ?? 0) + 1;
  return {
    ...figuresOf(
      samples.filter((sample) => measured.has(scenario.steps[sample.step].label)),
      result.errors,
    ),
    durationSeconds: seconds,
    connections,
    statusCodes,
    socketErrors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    steps: scenario.steps.map((step, index) => ({
      label: step.label,
      ...figuresOf(
        samples.filter((sample) => sample.step === index),
        0,
      ),
    })),
    ...(scenario.notes ? { notes: scenario.notes() } : {}),
  };
}

/** Nearest-rank percentile of sorted values, in ms with two decimals. */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
