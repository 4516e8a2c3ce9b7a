import { createHash } from 'node:crypto';
import { createParamDecorator, ExecutionContext, HttpStatus } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { FastifyRequest } from 'fastify';
import { Principal } from '../common/auth/principal';
import { VERIFIED_TENANT } from '../common/auth/tenant-route';
import { IDEMPOTENCY_KEY_HEADER, IdempotencyKeyRejections } from '../common/errors/idempotency.errors';
import { envelopeOf } from '../common/http/envelope';
import { type PreparedResponse, prepareResponse } from '../common/http/prepared-response';
import { Versioned } from '../common/http/versioned';
import type { IdempotencyScope } from './idempotency-keys.repository';

/** Where a tenant's creation is keyed when the caller's token names no tenant (a platform admin's). */
export const NO_TENANT = '00000000-0000-0000-0000-000000000000';

const MAX_KEY_LENGTH = 255;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * A request that carries an Idempotency-Key, as the write path needs it: whose key, the key,
 * what the request was (its fingerprint), and how its response is written (so that the
 * record holds exactly what is sent). Built by the @IdempotencyKey() parameter decorator.
 */
export class IdempotentRequest {
  constructor(
    readonly scope: IdempotencyScope,
    readonly key: string,
    /** SHA-256 (hex) of the method, the route with its path values and the canonical JSON body. */
    readonly fingerprint: string,
    /** `POST /api/v1/tenants/:tenant_id/users`. */
    readonly operation: string,
    private readonly render: (result: unknown) => PreparedResponse,
  ) {}

  /** The response the write's result is answered with, fixed now (it is recorded with the key). */
  respond(result: unknown): PreparedResponse {
    return this.render(result);
  }
}

/**
 * The Idempotency-Key of a POST that creates or assigns (IETF draft-ietf-httpapi-idempotency-
 * key-header), or undefined without the header. The key is 1 to 255 printable ASCII
 * characters, bare or as a structured-field string (`"..."`); anything else is a 422 at
 * ["header", "idempotency-key"].
 */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): IdempotentRequest | undefined => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { user?: unknown; [VERIFIED_TENANT]?: string }>();
  const header = request.headers[IDEMPOTENCY_KEY_HEADER];
  if (header === undefined) return undefined;
  const key = parseKey(Array.isArray(header) ? header.join(', ') : header);
  if (!(request.user instanceof Principal)) throw new Error('No authenticated principal on this request');
  const principal = request.user;
  const scope = { tenantId: request[VERIFIED_TENANT] ?? principal.tenantId ?? NO_TENANT, subject: principal.subject };
  const route = request.routeOptions.url ?? request.url.split('?')[0];
  const status = (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ?? HttpStatus.CREATED;
  const operation = `${request.method} ${route}`;
  const params = Object.entries((request.params ?? {}) as Record<string, string>)
    .map(([name, value]) => [name, String(value).toLowerCase()])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([request.method, route, params]))
    .update('\n')
    .update(canonicalBody(request.body))
    .digest('hex');
  return new IdempotentRequest(scope, key, fingerprint, operation, (result) => {
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    let data = result;
    if (result instanceof Versioned) {
      headers.etag = result.etag;
      data = result.body;
    }
    const response = { status, headers, body: JSON.stringify(envelopeOf(data, request.id)) };
    prepareResponse(request, result, response);
    return response;
  });
});

function parseKey(raw: string): string {
  let key = raw.trim();
  if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) {
    // A structured-field string: backslash escapes only \" and \\.
    const inner = key.slice(1, -1);
    if (/["\\]/.test(inner.replace(/\\["\\]/g, ''))) {
      throw IdempotencyKeyRejections.malformed('Idempotency-Key is not a valid structured-field string');
    }
    key = inner.replace(/\\(["\\])/g, '$1');
  }
  if (key.length === 0) throw IdempotencyKeyRejections.malformed('Idempotency-Key must not be empty');
  if (key.length > MAX_KEY_LENGTH) {
    throw IdempotencyKeyRejections.malformed(`Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters`);
  }
  if (!PRINTABLE_ASCII.test(key)) {
    throw IdempotencyKeyRejections.malformed('Idempotency-Key must hold printable ASCII characters only');
  }
  return key;
}

/** The body as canonical JSON (object keys sorted at every level), so that the same JSON in another key order is the same request. */
function canonicalBody(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return `text:${body}`;
  if (Buffer.isBuffer(body)) return `bytes:${body.toString('base64')}`;
  return JSON.stringify(canonical(body));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
