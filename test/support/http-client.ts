/**
 * A plain HTTP client over real sockets (Node's fetch), for suites that need many
 * requests in flight at once against a listening server.
 */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  // The parsed JSON of whichever endpoint answered (or its text), `any` like supertest's
  // `response.body`, so the specs read it the same way.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  body: any;
  ms: number;
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  timeoutMs = 30_000,
): Promise<HttpAnswer> {
  const started = Date.now();
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed, ms: Date.now() - started };
}

/** A small deterministic PRNG (mulberry32), so a failing storm can be replayed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
