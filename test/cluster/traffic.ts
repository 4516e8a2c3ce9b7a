import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** What one request came to: its status, or the network error that stopped it. */
export interface Outcome {
  method: string;
  path: string;
  status?: number;
  error?: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** One HTTP request; a network failure is thrown (the caller decides whether it retries). */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  token: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined,
  };
}

/**
 * `concurrency` loops, each running `step` until `until()` says stop (or `maxMs` passed: a
 * test that failed before stopping its load must not keep Jest running); every outcome is kept.
 */
export async function underLoad(
  concurrency: number,
  until: () => boolean,
  step: (worker: number, iteration: number) => Promise<Outcome[]>,
  maxMs = 120_000,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const deadline = Date.now() + maxMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let iteration = 0; !until() && Date.now() < deadline; iteration += 1)
        outcomes.push(...(await step(worker, iteration)));
    }),
  );
  return outcomes;
}

/** A GET with no retry of ours: what it answers is what a client sees. */
export async function get(
  baseUrl: string,
  path: string,
  token: string,
  headers?: Record<string, string>,
): Promise<Outcome & Partial<Answer>> {
  try {
    const answer = await call(baseUrl, 'GET', path, token, { headers });
    return { method: 'GET', path, ...answer };
  } catch (error) {
    return { method: 'GET', path, error: messageOf(error) };
  }
}

/**
 * A POST the way a careful client sends it: with an Idempotency-Key, retried with the same
 * key on a network failure, a 5xx or a 409 in flight, until it gets an answer. Returns every
 * attempt; the last is the answer. `firstUrl`: where the first attempt goes (the retries go
 * to `baseUrl`); `onAnswer`: called at every answer.
 */
export async function postOnce(
  baseUrl: string,
  path: string,
  token: string,
  body: unknown,
  attempts = 30,
  { firstUrl = baseUrl, onAnswer }: { firstUrl?: string; onAnswer?: () => void } = {},
): Promise<Outcome[]> {
  const key = randomUUID();
  const tries: Outcome[] = [];
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      const answer = await call(attempt === 1 ? firstUrl : baseUrl, 'POST', path, token, {
        body,
        headers: { 'Idempotency-Key': key },
      });
      onAnswer?.();
      tries.push({ method: 'POST', path, status: answer.status });
      const inFlight = answer.status === 409 && answer.headers.get('retry-after') !== null;
      if (answer.status < 500 && !inFlight) return tries;
    } catch (error) {
      tries.push({ method: 'POST', path, error: messageOf(error) });
    }
    await sleep(100);
  }
  return tries;
}

/** Sums a Prometheus counter over the given scrapes, for the series whose labels include `labels`. */
export function counterSum(scrapes: string[], name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const text of scrapes) {
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`)) continue;
      const close = line.lastIndexOf('}');
      const series = line.slice(name.length + 1, close);
      if (Object.entries(labels).every(([label, value]) => series.includes(`${label}="${value}"`))) {
        sum += Number(line.slice(close + 1).trim());
      }
    }
  }
  return sum;
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}
