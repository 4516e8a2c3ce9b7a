import type { LookupAddress, LookupOptions } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { checkUrlShape, resolveAllowed, type UrlPolicy, UrlRefused } from './url-guard';

/** What one POST came to: the receiver's status, or why there was none. */
export interface SendResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

const MAX_ERROR_LENGTH = 500;

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

/**
 * POSTs `body` to `url`: the URL is checked again (DNS may have changed since the
 * subscription was saved), and the connection goes to the addresses that passed the check
 * (no second resolution a rebinding DNS could answer differently). No redirects are
 * followed; a 2xx is a delivery, anything else a failure.
 */
export async function sendWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  policy: UrlPolicy,
  timeoutMs: number,
): Promise<SendResult> {
  const started = Date.now();
  const done = (statusCode: number | null, error: string | null): SendResult => ({
    statusCode,
    error: error && error.slice(0, MAX_ERROR_LENGTH),
    durationMs: Date.now() - started,
  });
  let target: URL;
  try {
    target = checkUrlShape(url, policy);
    await resolveAllowed(target.hostname, policy);
  } catch (error) {
    return done(null, error instanceof UrlRefused ? error.message : String(error));
  }
  const lookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    resolveAllowed(hostname, policy).then(
      (addresses) => (options.all ? callback(null, addresses) : callback(null, addresses[0].address, addresses[0].family)),
      (error: Error) => callback(error, ''),
    );
  };
  const options: RequestOptions = {
    method: 'POST',
    headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
    lookup: lookup,
    timeout: timeoutMs,
  };
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SendResult>((resolve) => {
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const req = send(target, options, (res) => {
      // Read (and drop) the answer, so the connection can be reused or closed cleanly.
      res.on('data', () => undefined);
      res.on('end', () => {
        clearTimeout(timer);
        resolve(done(res.statusCode ?? null, null));
      });
      res.on('error', (error) => {
        clearTimeout(timer);
        resolve(done(res.statusCode ?? null, error.message));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => {
      clearTimeout(timer);
      resolve(done(null, error.message));
    });
    req.end(body);
  });
}
