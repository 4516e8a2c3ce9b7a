import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { PLATFORM_ADMIN } from '../../src/common/auth/scopes';
import { Fingerprint, fingerprint, fingerprintDiff, sameFingerprint } from '../support/db-fingerprint';
import { IsolatedApp, startIsolatedApp } from '../support/isolated-app';
import {
  ApiOperation,
  ApiParameter,
  createWorld,
  fillPath,
  isNullable,
  JsonSchema,
  kindOfIdName,
  LoadedDocument,
  loadOperations,
  Method,
  pathParameters,
  queryParameters,
  requiredScope,
  typesOf,
  validBody,
  World,
  worldPathValues,
} from '../support/openapi-operations';
import { bearer, platformAdminToken } from '../support/test-app';

/**
 * Bad input for every operation of the OpenAPI document the code emits, generated from
 * each operation's parameters and body schema. Whatever comes in: never a 5xx, every
 * error in the contract's shape, and a rejected request leaves the database exactly as
 * it was (every table, compared by content).
 */

interface Attempt {
  operation: ApiOperation;
  what: string;
  path?: Record<string, string>;
  query?: string;
  /** An object is sent as JSON; a string or Buffer as is. */
  body?: unknown;
  contentType?: string;
  /** Request headers (the conditional and idempotency headers an operation documents). */
  headers?: Record<string, string>;
  /** Bad input the contract says is refused: these statuses only (and it must be refused). */
  expect?: number[];
  /** For a 422: an issue whose loc starts like this must be there. */
  loc?: Array<string | number>;
  /** Override the method (for methods the document does not have on a path). */
  method?: Method;
  /** Input built to be expensive: the answer must come within this time (the event loop is shared). */
  maxMs?: number;
}

const SQL_LOOKING = ["' OR 1=1 --", '1;DROP TABLE users', "x'); DROP TABLE users; --", "%' OR '1'='1"];
const UNICODE_AND_CONTROL = ['ünïcödé', '😀🚀', '\u202eevil', 'e\u0301', '\u200b', '\u0007\u001b[31m', 'line\r\nbreak', '\t'];
/** Strings no text column can hold faithfully: refused wherever they are sent, naming the field. */
const UNSTORABLE = ['\u0000', 'a\u0000b', '\ud800', 'a\udfffb'];
const ONE_MB = 'a'.repeat(1_000_000);
const NON_UUID_IDS = [
  'not-a-uuid',
  ...SQL_LOOKING,
  '0',
  '-1',
  'null',
  'undefined',
  'true',
  '{}',
  '[]',
  '%',
  'ünïcödé',
  '😀',
  '\u0000',
  '\u202e',
  `${randomUUID()}x`,
  `{${randomUUID()}}`,
  `urn:uuid:${randomUUID()}`,
  `${randomUUID()}\n`,
  'g'.repeat(36),
  'a'.repeat(101),
  'a'.repeat(2000),
];
/** Odd but possibly acceptable path values: any answer but a 5xx, in the contract's shape. */
const ODD_IDS = [
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '00000000-0000-0000-0000-000000000000',
  randomUUID().toUpperCase(),
  randomUUID().replace(/-/g, ''),
  '..',
  '.',
];

describe('Bad input (generated from the OpenAPI document)', () => {
  let t: IsolatedApp;
  let loaded: LoadedDocument;
  let operations: ApiOperation[];
  let world: World;
  let current: Fingerprint;
  const stats = { sent: 0, refused: 0, accepted: 0, fiveHundreds: 0, statuses: {} as Record<number, number> };

  beforeAll(async () => {
    // No background worker: "nothing changed" compares whole databases, and the worker's batches are not the request's.
    [t, loaded] = await Promise.all([startIsolatedApp('badinput', { BACKGROUND_WORKERS: 'false' }), loadOperations()]);
    operations = loaded.operations;
    world = await createWorld(t.http, 'Bad Input');
    current = await fingerprint(t.dataSource);
  }, 60_000);

  afterAll(async () => {
    console.log(
      `bad input: ${stats.sent} bad inputs sent over ${operations?.length ?? 0} operations ` +
        `(${stats.refused} refused, ${stats.accepted} accepted), statuses ${JSON.stringify(stats.statuses)}, 5xx seen: ${stats.fiveHundreds}`,
    );
    await t?.close();
  });

  function tokenFor(operation: ApiOperation): string {
    return requiredScope(operation) === PLATFORM_ADMIN ? platformAdminToken() : world.token;
  }

  /** Sends one bad request; returns what is wrong with the answer (nothing: an empty list). */
  async function attempt(spec: Attempt): Promise<string[]> {
    const { operation } = spec;
    const values = { ...worldPathValues(operation, world), ...(spec.path ?? {}) };
    let path = fillPath(operation.path, values);
    if (spec.query !== undefined) path += `?${spec.query}`;
    const method = spec.method ?? operation.method;
    let request = t.http[method](path).set(bearer(tokenFor(operation)));
    if (spec.contentType) request = request.set('Content-Type', spec.contentType);
    for (const [name, value] of Object.entries(spec.headers ?? {})) request = request.set(name, value);
    let response: Response;
    const started = Date.now();
    try {
      response = spec.body === undefined ? await request : await request.send(spec.body as object);
    } catch (error) {
      return [`${operation.label} ${spec.what}: no answer (${(error as Error).message})`];
    }
    const elapsed = Date.now() - started;
    stats.sent += 1;
    stats.statuses[response.status] = (stats.statuses[response.status] ?? 0) + 1;
    const problems: string[] = [];
    const label = `${method.toUpperCase()} ${operation.path} ${spec.what}`;
    const answer = `${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
    if (response.status >= 500) {
      stats.fiveHundreds += 1;
      problems.push(`${label}: 5xx: ${answer}`);
    }
    if (spec.expect && !spec.expect.includes(response.status))
      problems.push(`${label}: expected ${spec.expect.join('/')}, got ${answer}`);
    if (spec.maxMs !== undefined && elapsed > spec.maxMs) problems.push(`${label}: took ${elapsed} ms (at most ${spec.maxMs})`);
    const after = await fingerprint(t.dataSource);
    if (response.status >= 400) {
      stats.refused += 1;
      problems.push(...shapeProblems(label, response, spec.loc));
      if (!sameFingerprint(current, after))
        problems.push(
          `${label}: refused (${response.status}) but the database changed: ${JSON.stringify(fingerprintDiff(current, after))}`,
        );
    } else {
      stats.accepted += 1;
      // It was acceptable after all: what it changed is the new baseline, and what it
      // deleted is replaced by a fresh world.
      if (method === 'delete') world = await createWorld(t.http, 'Bad Input');
    }
    current = operation.isWrite && response.status < 400 ? await fingerprint(t.dataSource) : after;
    return problems;
  }

  async function run(attempts: Attempt[]): Promise<string[]> {
    const problems: string[] = [];
    for (const spec of attempts) problems.push(...(await attempt(spec)));
    return problems;
  }

  it('path parameters: non-UUID, SQL-looking, unicode, control characters, over-long', async () => {
    const attempts: Attempt[] = [];
    for (const operation of operations) {
      for (const parameter of pathParameters(operation)) {
        for (const value of NON_UUID_IDS) {
          attempts.push({
            operation,
            what: `path ${parameter.name}=${JSON.stringify(value.slice(0, 40))}`,
            path: { [parameter.name]: value },
            body: validBody(operation, world),
            expect: [422],
            loc: value.length > 100 ? ['path'] : ['path', parameter.name],
          });
        }
        for (const value of ODD_IDS) {
          attempts.push({
            operation,
            what: `path ${parameter.name}=${JSON.stringify(value)}`,
            path: { [parameter.name]: value },
            body: validBody(operation, world),
          });
        }
      }
    }
    expect(attempts.length).toBeGreaterThan(500);
    expect(await run(attempts)).toEqual([]);
  }, 120_000);

  it('query parameters: wrong types, out of range, over-long, SQL-looking, unicode, control characters', async () => {
    const attempts: Attempt[] = [];
    for (const operation of operations) {
      for (const parameter of queryParameters(operation)) {
        const { invalid, odd } = queryValues(parameter);
        for (const value of invalid) {
          attempts.push({
            operation,
            what: `query ${parameter.name}=${JSON.stringify(value.slice(0, 40))}`,
            query: `${parameter.name}=${encodeQueryValue(value)}`,
            expect: [422],
            loc: ['query', parameter.name],
          });
        }
        for (const value of odd) {
          attempts.push({
            operation,
            what: `query ${parameter.name}=${JSON.stringify(value.slice(0, 40))}`,
            query: `${parameter.name}=${encodeQueryValue(value)}`,
          });
        }
        attempts.push({ operation, what: `query ${parameter.name} twice`, query: `${parameter.name}=1&${parameter.name}=2` });
        attempts.push({
          operation,
          what: `query ${parameter.name} as an array`,
          query: `${parameter.name}[]=1&${parameter.name}[0]=2`,
        });
        attempts.push({ operation, what: `query ${parameter.name} with a raw %`, query: `${parameter.name}=%` });
      }
      if (!operation.isWrite) attempts.push({ operation, what: 'an unknown query parameter', query: 'unexpected=1&__proto__=x' });
    }
    expect(attempts.length).toBeGreaterThan(100);
    expect(await run(attempts)).toEqual([]);
  }, 120_000);

  it('header parameters: malformed Idempotency-Key (422), malformed or stale If-Match (422, 412), malformed If-None-Match (422)', async () => {
    const attempts: Attempt[] = [];
    const headerNamed = (operation: ApiOperation, name: string) =>
      operation.parameters.some((parameter) => parameter.in === 'header' && parameter.name === name);
    for (const operation of operations) {
      const body = validBody(operation, world);
      if (headerNamed(operation, 'Idempotency-Key')) {
        for (const [what, key] of [
          ['empty', ''],
          ['blank', '   '],
          ['256 characters', 'k'.repeat(256)],
          ['with a tab', 'a\tb'],
          ['latin-1', 'cl\u00e9'],
          ['an unterminated escape in a quoted key', '"abc\\"'],
          ['a lone quote inside a quoted key', '"a"b"'],
          ['an empty quoted key', '""'],
        ]) {
          attempts.push({
            operation,
            what: `Idempotency-Key ${what}`,
            body,
            headers: { 'Idempotency-Key': key },
            expect: [422],
            loc: ['header', 'idempotency-key'],
          });
        }
      }
      if (headerNamed(operation, 'If-Match')) {
        for (const value of ['v1', '"v1', 'W/', '"a" "b"', ',', '"\u00e9\t"']) {
          attempts.push({
            operation,
            what: `If-Match ${JSON.stringify(value)}`,
            body: operation.body ? body : undefined,
            headers: { 'If-Match': value },
            expect: [422],
            loc: ['header', 'if-match'],
          });
        }
        // Well-formed but naming no current version: 412, and nothing changes.
        for (const value of ['"v999"', 'W/"v1"', '"other"', '"v0", "v2147483648"']) {
          attempts.push({
            operation,
            what: `stale If-Match ${value}`,
            body: operation.body ? body : undefined,
            headers: { 'If-Match': value },
            expect: [412],
          });
        }
      }
      if (headerNamed(operation, 'If-None-Match')) {
        for (const value of ['v1', '"v1', 'W/"', ',']) {
          attempts.push({
            operation,
            what: `If-None-Match ${JSON.stringify(value)}`,
            headers: { 'If-None-Match': value },
            expect: [422],
            loc: ['header', 'if-none-match'],
          });
        }
      }
    }
    expect(attempts.length).toBeGreaterThan(80);
    expect(await run(attempts)).toEqual([]);
  }, 120_000);

  it('bodies: missing, not an object, malformed JSON, nested too deep', async () => {
    const attempts: Attempt[] = [];
    for (const operation of operations.filter((candidate) => candidate.body)) {
      const json = 'application/json';
      attempts.push({ operation, what: 'without a body', expect: [422], loc: ['body'] });
      attempts.push({ operation, what: 'with an empty JSON body', body: '', contentType: json, expect: [422], loc: ['body'] });
      for (const raw of ['null', '[]', '"text"', '42', 'true', JSON.stringify([validBody(operation, world)])]) {
        attempts.push({
          operation,
          what: `with the JSON ${raw.slice(0, 30)}`,
          body: raw,
          contentType: json,
          expect: [422],
          loc: ['body'],
        });
      }
      for (const raw of [
        '{',
        '{"a":',
        '{"a" 1}',
        "{'a': 1}",
        '{"a":1,}',
        'nul',
        '[',
        '{"a":"b"}}',
        '\u0000',
        '{"a":"\u0000',
        '{"a":NaN}',
        '{"a":01}',
        '{"a":1}{"b":2}',
        '{"a":"\\x41"}',
      ]) {
        attempts.push({
          operation,
          what: `with the malformed JSON ${JSON.stringify(raw)}`,
          body: raw,
          contentType: json,
          expect: [422],
          loc: ['body'],
        });
      }
      // RFC 8259 §8.1: a parser MAY ignore a byte order mark.
      attempts.push({
        operation,
        what: 'with a byte order mark',
        body: `\ufeff${JSON.stringify(validBody(operation, world))}`,
        contentType: json,
      });
      attempts.push({
        operation,
        what: 'with bytes that are not UTF-8',
        body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
        contentType: json,
      });
      const required = operation.body!.required ?? [];
      if (required.length > 0) attempts.push({ operation, what: 'with {}', body: {}, expect: [422], loc: ['body', required[0]] });
      else attempts.push({ operation, what: 'with {}', body: {} });
      const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
      const field = Object.keys(operation.body!.properties ?? {})[0];
      attempts.push({
        operation,
        what: 'with arrays nested 5000 deep',
        body: `{"${field}": ${deep}}`,
        contentType: json,
        expect: [422],
        loc: ['body', field],
        maxMs: 1_500,
      });
      attempts.push({
        operation,
        what: 'with a __proto__ key',
        body: `{"__proto__": {"polluted": true}, ${JSON.stringify(validBody(operation, world)).slice(1)}`,
        contentType: json,
        expect: [422],
      });
      attempts.push({
        operation,
        what: 'with a constructor.prototype key',
        body: { constructor: { prototype: { polluted: true } }, ...validBody(operation, world) },
        expect: [422],
      });
    }
    expect(attempts.length).toBeGreaterThan(100);
    expect(await run(attempts)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 120_000);

  it('bodies: every field wrong-typed, missing, null, empty, 1 MB, unicode, control characters, SQL-looking; extra fields; lists over their limit', async () => {
    const attempts: Attempt[] = [];
    for (const operation of operations.filter((candidate) => candidate.body)) {
      const schema = operation.body!;
      const with_ = (name: string, value: unknown) => ({ ...validBody(operation, world), [name]: value });
      attempts.push({
        operation,
        what: 'with an extra field',
        body: with_('unexpected_field', 'x'),
        expect: [422],
        loc: ['body', 'unexpected_field'],
      });
      const many = Object.fromEntries(Array.from({ length: 50_000 }, (_, index) => [`x${index}`, 0]));
      attempts.push({
        operation,
        what: 'with 50 000 extra fields',
        body: { ...validBody(operation, world), ...many },
        expect: [422],
        loc: ['body'],
        maxMs: 1_500,
      });
      attempts.push({
        operation,
        what: 'with an extra id field',
        body: with_('tenant_id', randomUUID()),
        expect: [422],
        loc: ['body', 'tenant_id'],
      });
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if ((schema.required ?? []).includes(name)) {
          const body = validBody(operation, world)!;
          delete body[name];
          attempts.push({ operation, what: `without ${name}`, body, expect: [422], loc: ['body', name] });
        }
        for (const { value, invalid, what } of fieldValues(name, property)) {
          attempts.push({
            operation,
            what: `with ${name} = ${what}`,
            body: with_(name, value),
            ...(invalid ? { expect: [422], loc: ['body', name] } : {}),
          });
        }
      }
    }
    expect(attempts.length).toBeGreaterThan(300);
    expect(await run(attempts)).toEqual([]);
  }, 120_000);

  it('bodies: wrong content types, and over 1 MiB (413)', async () => {
    const attempts: Attempt[] = [];
    for (const operation of operations.filter((candidate) => candidate.body)) {
      const text = JSON.stringify(validBody(operation, world));
      for (const contentType of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/octet-stream',
        'text/html',
        'application/jsonx',
        'image/png',
      ]) {
        attempts.push({ operation, what: `as ${contentType}`, body: text, contentType, expect: [415, 422] });
      }
      attempts.push({ operation, what: 'as JSON in UTF-16', body: text, contentType: 'application/json; charset=utf-16' });
      const field = Object.keys(operation.body!.properties ?? {})[0];
      const huge = JSON.stringify({ [field]: 'a'.repeat(1024 * 1024 + 1024) });
      attempts.push({
        operation,
        what: 'with a JSON body over 1 MiB',
        body: huge,
        contentType: 'application/json',
        expect: [413],
      });
      attempts.push({
        operation,
        what: 'with malformed JSON over 1 MiB',
        body: `{${'x'.repeat(1024 * 1024 + 16)}`,
        contentType: 'application/json',
        expect: [413],
      });
      attempts.push({
        operation,
        what: 'with text over 1 MiB',
        body: 'x'.repeat(1024 * 1024 + 16),
        contentType: 'text/plain',
        expect: [413, 415],
      });
      attempts.push({
        operation,
        what: 'with a JSON body of 2 MiB',
        body: `[${'0,'.repeat(1024 * 1024)}0]`,
        contentType: 'application/json',
        expect: [413],
      });
    }
    expect(await run(attempts)).toEqual([]);
  }, 120_000);

  it('methods the document does not have on a path: a 404/405 in the contract shape', async () => {
    const attempts: Attempt[] = [];
    const byPath = new Map<string, ApiOperation[]>();
    for (const operation of operations) byPath.set(operation.path, [...(byPath.get(operation.path) ?? []), operation]);
    for (const [, pathOperations] of byPath) {
      const declared = new Set(pathOperations.map((operation) => operation.method));
      const concrete = fillPath(pathOperations[0].path, worldPathValues(pathOperations[0], world));
      for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
        if (declared.has(method)) continue;
        // `DELETE .../applications/bulk` is `DELETE .../applications/{application_id}` with a malformed id.
        if (operations.some((other) => other.method === method && templateMatches(other.path, concrete))) continue;
        attempts.push({
          operation: pathOperations[0],
          method,
          what: `(undeclared method ${method.toUpperCase()})`,
          body: method === 'get' ? undefined : {},
          expect: [404, 405],
        });
      }
    }
    expect(attempts.length).toBeGreaterThan(10);
    expect(await run(attempts)).toEqual([]);
  }, 60_000);
});

function templateMatches(template: string, path: string): boolean {
  const pattern = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${pattern}$`).test(path);
}

/** encodeURIComponent, except that unpaired surrogates become the (invalid UTF-8) bytes of their code unit. */
function encodeQueryValue(value: string): string {
  return Array.from(value)
    .map((char) => {
      const code = char.charCodeAt(0);
      if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) {
        return Buffer.from([0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)])
          .toString('hex')
          .replace(/(..)/g, '%$1')
          .toUpperCase();
      }
      return encodeURIComponent(char);
    })
    .join('');
}

/** What is wrong with the shape of an error answer (the contract's two error bodies). */
function shapeProblems(label: string, response: Response, loc?: Array<string | number>): string[] {
  const body = response.body as { detail?: unknown };
  const answer = `${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
  if (!response.headers['content-type']?.startsWith('application/json'))
    return [`${label}: error without a JSON body: ${answer} (${response.headers['content-type']})`];
  if (response.status === 422) {
    const detail = body.detail;
    if (!Array.isArray(detail) || detail.length === 0 || Object.keys(body).length !== 1)
      return [`${label}: 422 not {detail: [...]}: ${answer}`];
    const problems: string[] = [];
    for (const issue of detail as Array<Record<string, unknown>>) {
      const keys = Object.keys(issue).sort().join(',');
      if (
        keys !== 'loc,msg,type' ||
        !Array.isArray(issue.loc) ||
        typeof issue.msg !== 'string' ||
        typeof issue.type !== 'string'
      ) {
        problems.push(`${label}: 422 issue not {loc, msg, type}: ${JSON.stringify(issue)}`);
      } else if (!['body', 'query', 'path', 'header'].includes(issue.loc[0] as string)) {
        problems.push(`${label}: 422 loc does not start with body/query/path/header: ${JSON.stringify(issue)}`);
      }
    }
    if (loc && !(detail as Array<{ loc: unknown[] }>).some((issue) => loc.every((part, index) => issue.loc?.[index] === part))) {
      problems.push(`${label}: no 422 issue at ${JSON.stringify(loc)}: ${answer}`);
    }
    return problems;
  }
  if (Object.keys(body).length !== 1 || typeof body.detail !== 'string' || body.detail.length === 0)
    return [`${label}: error not {detail: "..."}: ${answer}`];
  if (/at \w+ \(|node_modules|QueryFailedError|SELECT |INSERT |violates|constraint/i.test(body.detail))
    return [`${label}: error detail leaks internals: ${answer}`];
  return [];
}

/** Query values from the parameter's schema: refused ones, and odd ones that may pass. */
function queryValues(parameter: ApiParameter): { invalid: string[]; odd: string[] } {
  const schema = parameter.schema;
  const types = typesOf(schema);
  // In a URL an unpaired surrogate can only be sent as invalid UTF-8, which the query parser may replace.
  const invalid: string[] = UNSTORABLE.filter((value) => value.includes('\u0000'));
  const odd: string[] = [
    '',
    ' ',
    ...SQL_LOOKING,
    ...UNICODE_AND_CONTROL,
    ...UNSTORABLE.filter((value) => !value.includes('\u0000')),
  ];
  if (types.includes('integer') || types.includes('number')) {
    invalid.push(
      'abc',
      '1.5',
      'NaN',
      'Infinity',
      '-Infinity',
      '99999999999999999999999',
      '1e400',
      '１',
      "' OR 1=1 --",
      '9007199254740993',
    );
    if (schema.minimum !== undefined) invalid.push(String(schema.minimum - 1), String(schema.minimum - 1000));
    if (schema.maximum !== undefined) invalid.push(String(schema.maximum + 1), String(schema.maximum * 1000));
    odd.push('0x10', '1e1', ' 5 ', '+1', '-0');
  } else if (types.includes('boolean')) {
    invalid.push('maybe', '2', 'null', 'tru', "' OR 1=1 --");
    odd.push('TRUE', ' true ', 'False', '0', '1');
  } else if (schema.enum) {
    invalid.push('not-a-member', `${String(schema.enum[0]).toUpperCase()}x`, "' OR 1=1 --");
  } else if (schema.format === 'uuid' || kindOfIdName(parameter.name)) {
    invalid.push('not-a-uuid', "' OR 1=1 --", '1;DROP TABLE users', `${randomUUID()}x`);
    odd.push(randomUUID());
  } else {
    if (schema.maxLength !== undefined) {
      invalid.push('a'.repeat(schema.maxLength + 1), 'a'.repeat(Math.max(schema.maxLength + 1, 8000)));
      odd.push('a'.repeat(schema.maxLength));
    } else {
      odd.push('a'.repeat(8000));
    }
    odd.push('%', '_', '\\', '%%', '\\%', '[a-z]', '.*');
  }
  return { invalid, odd: odd.filter((value) => !invalid.includes(value)) };
}

/** Values for one body field, each marked refused-by-contract or merely odd. */
function fieldValues(name: string, schema: JsonSchema): Array<{ value: unknown; invalid: boolean; what: string }> {
  const types = typesOf(schema);
  const values: Array<{ value: unknown; invalid: boolean; what: string }> = [];
  const add = (value: unknown, invalid: boolean, what = JSON.stringify(value)?.slice(0, 40) ?? String(value)) =>
    values.push({ value, invalid, what });
  add(null, !isNullable(schema), 'null');

  if (types.includes('array')) {
    for (const wrong of ['x', 123, true, {}, { 0: 'a' }]) add(wrong, true);
    const item = schema.items ?? {};
    const itemIsId = Boolean(kindOfIdName(name)) || item.format === 'uuid';
    add([], (schema.minItems ?? 0) > 0, '[]');
    if (schema.maxItems !== undefined) {
      add(
        Array.from({ length: schema.maxItems + 1 }, () => randomUUID()),
        true,
        `${schema.maxItems + 1} items`,
      );
      add(
        Array.from({ length: 10_000 }, () => randomUUID()),
        true,
        '10000 items',
      );
    } else {
      add(
        Array.from({ length: 10_000 }, () => randomUUID()),
        false,
        '10000 items',
      );
    }
    for (const wrong of [null, 123, true, {}, [], [randomUUID()]]) add([wrong], true, `[${JSON.stringify(wrong)}]`);
    if (itemIsId) {
      for (const wrong of [...NON_UUID_IDS.slice(0, 12), '', ONE_MB])
        add([wrong], true, `[${JSON.stringify(wrong.slice(0, 30))}]`);
      add([randomUUID()], false, '[unknown uuid]');
    }
    return values;
  }

  if (types.includes('string')) {
    for (const wrong of [123, 1.5, 0, true, false, {}, [], ['x'], { $gt: '' }]) add(wrong, true);
    const isId = Boolean(kindOfIdName(name)) || schema.format === 'uuid';
    const constrained = isId || Boolean(schema.enum) || Boolean(schema.format) || Boolean(schema.pattern);
    add('', constrained || (schema.minLength ?? 0) > 0, '""');
    add(ONE_MB, constrained || schema.maxLength !== undefined, '1 MB string');
    if (schema.maxLength !== undefined) add('a'.repeat(schema.maxLength + 1), true, `${schema.maxLength + 1} characters`);
    for (const value of UNSTORABLE) add(value, true, JSON.stringify(value));
    for (const value of [...SQL_LOOKING, ...UNICODE_AND_CONTROL, ' ', '   padded   ']) {
      const passesPattern = !schema.pattern || new RegExp(schema.pattern).test(value);
      add(value, isId || Boolean(schema.enum) || !passesPattern, JSON.stringify(value));
    }
    if (isId) {
      for (const wrong of NON_UUID_IDS.slice(0, 12)) add(wrong, true);
      add(randomUUID(), false, 'an unknown uuid');
    }
    if (schema.enum) {
      for (const wrong of [String(schema.enum[0]).toUpperCase(), ` ${String(schema.enum[0])}`, 'not-a-member']) add(wrong, true);
    }
    if (schema.format === 'email') {
      for (const wrong of [
        'not-an-email',
        'a@',
        '@example.com',
        'a b@example.com',
        'a@b@c.com',
        `${'a'.repeat(330)}@example.com`,
      ])
        add(wrong, true);
    }
    return values;
  }

  if (types.includes('integer') || types.includes('number')) {
    for (const wrong of ['x', true, {}, [], 1.5]) add(wrong, true);
    add('1', false); // a DTO may convert numeric text
    if (schema.minimum !== undefined) add(schema.minimum - 1, true);
    if (schema.maximum !== undefined) add(schema.maximum + 1, true);
    add(Number.MAX_SAFE_INTEGER * 10, true);
    return values;
  }

  if (types.includes('boolean')) {
    for (const wrong of ['true', 1, 0, 'x', {}, []]) add(wrong, true);
    return values;
  }
  return values;
}
