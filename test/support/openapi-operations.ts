import { randomUUID } from 'node:crypto';
import type { OpenAPIObject } from '@nestjs/swagger';
import type supertest from 'supertest';
import type { DataSource } from 'typeorm';
import { PLATFORM_ADMIN, Scope, TENANT_SCOPES } from '../../src/common/auth/scopes';
import { emitOpenApiDocument } from '../../src/openapi-offline';
import { bearer, platformAdminToken, tokenFor } from './test-app';

/**
 * The operations of the OpenAPI document the code emits, in a shape the generated
 * security suites (authorization matrix, bad input) iterate over: an endpoint added
 * later is covered by them without anyone listing it.
 */

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
const METHODS: readonly Method[] = ['get', 'post', 'put', 'patch', 'delete'];

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  default?: unknown;
  $ref?: string;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

export interface ApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: JsonSchema;
}

export interface ApiOperation {
  method: Method;
  path: string;
  label: string;
  operationId: string;
  tags: string[];
  parameters: ApiParameter[];
  /** The JSON request body's schema, `$ref`s resolved (limits the contract states but the document does not, merged in). */
  body?: JsonSchema;
  bodySchemaName?: string;
  /** Documented response statuses. */
  responses: number[];
  isWrite: boolean;
  secured: boolean;
}

/**
 * Limits that API-CONTRACT.md states but the document cannot show, because the published
 * reference's schema (which wins) does not carry them: "1..500 ids" for bulk assignment.
 */
const CONTRACT_LIMITS: Record<string, Partial<JsonSchema>> = {
  'BulkAssignmentCreate.application_ids': { minItems: 1, maxItems: 500 },
};

/** An operation object as the emitted document has it: body and parameters inline, their schemas maybe `$ref`s. */
interface OperationJson {
  operationId: string;
  tags?: string[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  parameters?: Array<{ name: string; in: ApiParameter['in']; required?: boolean; schema?: JsonSchema }>;
  responses?: Record<string, unknown>;
  security?: unknown[];
  /** A POST that only reads (the batch access check): no write in the matrix's sense. */
  'x-read-only'?: boolean;
}

export interface LoadedDocument {
  document: OpenAPIObject;
  /** Every operation that needs a token. */
  operations: ApiOperation[];
  /** Operations without security (only /health/* may be). */
  publicOperations: ApiOperation[];
}

export async function loadOperations(): Promise<LoadedDocument> {
  const document = await emitOpenApiDocument();
  const all: ApiOperation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = (item as Partial<Record<Method, OperationJson>>)[method];
      if (!operation) continue;
      const ref = operation.requestBody?.content?.['application/json']?.schema?.$ref;
      const bodySchemaName = ref?.replace('#/components/schemas/', '');
      let body = operation.requestBody ? resolve(document, operation.requestBody.content['application/json'].schema) : undefined;
      if (body && bodySchemaName) body = withContractLimits(body, bodySchemaName);
      all.push({
        method,
        path,
        label: `${method.toUpperCase()} ${path}`,
        operationId: operation.operationId,
        tags: operation.tags ?? [],
        parameters: (operation.parameters ?? []).map((parameter) => ({
          name: parameter.name,
          in: parameter.in,
          required: Boolean(parameter.required),
          schema: resolve(document, parameter.schema ?? {}),
        })),
        body,
        bodySchemaName,
        responses: Object.keys(operation.responses ?? {}).map(Number),
        isWrite: method !== 'get' && operation['x-read-only'] !== true,
        secured: Array.isArray(operation.security) && operation.security.length > 0,
      });
    }
  }
  return {
    document,
    operations: all.filter((operation) => operation.secured),
    publicOperations: all.filter((operation) => !operation.secured),
  };
}

function withContractLimits(schema: JsonSchema, name: string): JsonSchema {
  const properties = { ...(schema.properties ?? {}) };
  for (const [key, limits] of Object.entries(CONTRACT_LIMITS)) {
    const [schemaName, property] = key.split('.');
    if (schemaName !== name || !properties[property]) continue;
    properties[property] = { ...limits, ...properties[property] };
  }
  return { ...schema, properties };
}

/** `$ref` and single-member `allOf`, resolved recursively through properties and items. */
export function resolve(document: OpenAPIObject, schema: JsonSchema, depth = 0): JsonSchema {
  if (depth > 10) return schema;
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = document.components?.schemas?.[name];
    if (!target) throw new Error(`unresolved ${schema.$ref}`);
    return resolve(document, target, depth + 1);
  }
  if (schema.allOf && schema.allOf.length === 1)
    return resolve(document, { ...schema.allOf[0], ...omit(schema, 'allOf') }, depth + 1);
  const resolved: JsonSchema = { ...schema };
  if (schema.properties) {
    resolved.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([key, value]) => [key, resolve(document, value, depth + 1)]),
    );
  }
  if (schema.items) resolved.items = resolve(document, schema.items, depth + 1);
  return resolved;
}

function omit<T extends object>(value: T, key: keyof T): Partial<T> {
  const copy = { ...value };
  delete copy[key];
  return copy;
}

export function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  if (schema.anyOf) return schema.anyOf.flatMap(typesOf);
  if (schema.oneOf) return schema.oneOf.flatMap(typesOf);
  return [];
}

export function isNullable(schema: JsonSchema): boolean {
  return schema.nullable === true || typesOf(schema).includes('null');
}

// ---------------------------------------------------------------------------------------
// Scopes
// ---------------------------------------------------------------------------------------

const KNOWN_SCOPES: readonly string[] = Object.values(Scope);

/**
 * The scope an operation needs, inferred from its path, method and tag: tenants need
 * `tenants:read` to read and `platform:admin` to change; App Assignments need
 * `assignments:read|write`; Access Checks (single and batch) `access:check`; everything else under a tenant needs `<area>:read|write`, the
 * area being the path segment after `{tenant_id}` (so members are `groups:*`, and
 * `audit-events` is `audit:*`). Fails loudly for an area no scope is named after.
 */
export function requiredScope(operation: ApiOperation): string {
  // The gateway's question has a scope of its own, which nothing else grants.
  if (operation.tags.includes('Access Checks')) return Scope.AccessCheck;
  const access = operation.isWrite ? 'write' : 'read';
  const segments = operation.path.split('/').filter(Boolean);
  const tenantsIndex = segments.indexOf('tenants');
  const area = operation.tags.includes('App Assignments') ? 'assignments' : segments[tenantsIndex + 2];
  if (tenantsIndex < 0) throw new Error(`cannot infer the scope of ${operation.label}: not under /tenants`);
  if (!area) return operation.isWrite ? PLATFORM_ADMIN : Scope.TenantsRead;
  // The tenant's own deletion, readable like the tenant.
  if (area === 'deletion') return Scope.TenantsRead;
  // The change events are what webhooks carry: read with the webhooks.
  if (area === 'change-events') return Scope.WebhooksRead;
  for (const candidate of [area, area.split('-')[0], area.replace(/s$/, '')]) {
    const scope = `${candidate}:${access}`;
    if (KNOWN_SCOPES.includes(scope)) return scope;
  }
  throw new Error(`cannot infer the scope of ${operation.label} (area "${area}"): extend requiredScope()`);
}

/** Every scope a tenant's own token can carry, but the given one. */
export function allTenantScopesBut(scope: string): string[] {
  return TENANT_SCOPES.filter((candidate) => candidate !== scope);
}

export const READ_ONLY_SCOPES: readonly string[] = TENANT_SCOPES.filter((scope) => scope.endsWith(':read'));

export function hasTenantInPath(operation: ApiOperation): boolean {
  return operation.parameters.some((parameter) => parameter.in === 'path' && parameter.name === 'tenant_id');
}

// ---------------------------------------------------------------------------------------
// A tenant with one of everything, and requests filled from it
// ---------------------------------------------------------------------------------------

export type Kind = 'tenant' | 'user' | 'group' | 'application' | 'webhook';

/**
 * A tenant with two users, two groups and two applications. The first of each are linked
 * (user in group, application assigned to both), so reads return something and deletes of
 * links succeed; the second are unlinked, so creating links succeeds.
 */
export interface World {
  tenantId: string;
  /** All tenant scopes. */
  token: string;
  user: string;
  user2: string;
  group: string;
  group2: string;
  application: string;
  application2: string;
  /** Webhook subscriptions (to a documentation address, RFC 5737: nothing is ever delivered there). */
  webhook: string;
  webhook2: string;
}

/** A webhook URL the service accepts without DNS and that routes nowhere (TEST-NET-3, RFC 5737). */
export function testWebhookUrl(): string {
  return `https://203.0.113.10/hooks/${randomUUID()}`;
}

export async function createWorld(http: supertest.Agent, name = 'World'): Promise<World> {
  const admin = bearer(platformAdminToken());
  const created = async (path: string, body: object): Promise<string> => {
    const response = await http.post(path).set(admin).send(body);
    if (response.status !== 201)
      throw new Error(`setup: POST ${path} answered ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.data?.id;
  };
  const link = async (path: string, body: object): Promise<void> => {
    const response = await http.post(path).set(admin).send(body);
    if (response.status !== 201)
      throw new Error(`setup: POST ${path} answered ${response.status} ${JSON.stringify(response.body)}`);
  };
  const tenantId = await created('/api/v1/tenants', { name, slug: `w-${randomUUID()}`.slice(0, 40) });
  const base = `/api/v1/tenants/${tenantId}`;
  const [user, user2, group, group2, application, application2] = await Promise.all([
    created(`${base}/users`, { email: `${randomUUID()}@example.com`, display_name: 'First User' }),
    created(`${base}/users`, { email: `${randomUUID()}@example.com`, display_name: 'Second User' }),
    created(`${base}/groups`, { name: `group-${randomUUID()}` }),
    created(`${base}/groups`, { name: `group-${randomUUID()}` }),
    created(`${base}/applications`, { name: `app-${randomUUID()}` }),
    created(`${base}/applications`, { name: `app-${randomUUID()}` }),
  ]);
  await Promise.all([
    link(`${base}/groups/${group}/members`, { user_id: user }),
    link(`${base}/users/${user}/applications`, { application_id: application }),
    link(`${base}/groups/${group}/applications`, { application_id: application }),
  ]);
  const [webhook, webhook2] = await Promise.all([
    created(`${base}/webhooks`, { url: testWebhookUrl() }),
    created(`${base}/webhooks`, { url: testWebhookUrl() }),
  ]);
  return { tenantId, token: tokenFor(tenantId), user, user2, group, group2, application, application2, webhook, webhook2 };
}

/**
 * Completed deletions recorded for the world's tenant, first group and first application,
 * as if these ids had been deleted before: the deletion-status reads then have something
 * to answer for the world's own ids (they look deletions up by id only).
 */
export async function recordPastDeletions(dataSource: DataSource, world: World): Promise<void> {
  await dataSource.query(
    `INSERT INTO deletions (tenant_id, resource_type, resource_id, status, stage, requested_by, completed_at)
     VALUES ($1, 'tenant', $1, 'completed', 'row', 'test', now()),
            ($1, 'group', $2, 'completed', 'row', 'test', now()),
            ($1, 'application', $3, 'completed', 'row', 'test', now())`,
    [world.tenantId, world.group, world.application],
  );
}

/** `user_id` → user, `application_ids` → application; undefined for names that are no id. */
export function kindOfIdName(name: string): Kind | undefined {
  const match = /^(.*)_ids?$/.exec(name);
  if (!match) return undefined;
  const kind = match[1];
  return (['tenant', 'user', 'group', 'application', 'webhook'] as const).find((candidate) => candidate === kind);
}

/** The linked (`target`) or unlinked (`spare`) id of a kind. */
export function idOf(world: World, kind: Kind, role: 'target' | 'spare'): string {
  switch (kind) {
    case 'tenant':
      return world.tenantId;
    case 'user':
      return role === 'target' ? world.user : world.user2;
    case 'group':
      return role === 'target' ? world.group : world.group2;
    case 'application':
      return role === 'target' ? world.application : world.application2;
    case 'webhook':
      return role === 'target' ? world.webhook : world.webhook2;
  }
}

export function pathParameters(operation: ApiOperation): ApiParameter[] {
  return operation.parameters.filter((parameter) => parameter.in === 'path');
}

export function queryParameters(operation: ApiOperation): ApiParameter[] {
  return operation.parameters.filter((parameter) => parameter.in === 'query');
}

/** The path with every `{name}` replaced from `values` (URL-encoded). */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for path parameter ${name} of ${path}`);
    return encodeURIComponent(values[name]);
  });
}

/** Path values from the world: each `<kind>_id` is the linked id of that kind. */
export function worldPathValues(operation: ApiOperation, world: World): Record<string, string> {
  const values: Record<string, string> = {};
  for (const parameter of pathParameters(operation)) {
    const kind = kindOfIdName(parameter.name);
    if (!kind) throw new Error(`${operation.label}: cannot fill path parameter ${parameter.name}; teach kindOfIdName()`);
    values[parameter.name] = idOf(world, kind, 'target');
  }
  return values;
}

/** Query values from the world: each `<kind>_id` query parameter is the linked id of that kind. */
export function worldQueryValues(operation: ApiOperation, world: World): Record<string, string> {
  const values: Record<string, string> = {};
  for (const parameter of queryParameters(operation)) {
    const kind = kindOfIdName(parameter.name);
    if (kind) values[parameter.name] = idOf(world, kind, 'target');
  }
  return values;
}

/** The path filled from `values`, with `query` (when it has any value) as its query string. */
export function fillUrl(operation: ApiOperation, values: Record<string, string>, query: Record<string, string>): string {
  const path = fillPath(operation.path, values);
  const search = new URLSearchParams(query).toString();
  return search ? `${path}?${search}` : path;
}

/** A body the operation accepts: every property, valid; ids are the world's unlinked ones. */
export function validBody(operation: ApiOperation, world: World): Record<string, unknown> | undefined {
  if (!operation.body) return undefined;
  const body: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(operation.body.properties ?? {})) {
    body[name] = validValue(operation, name, schema, world);
  }
  return body;
}

export function validValue(operation: ApiOperation, name: string, schema: JsonSchema, world: World): unknown {
  const kind = kindOfIdName(name);
  const types = typesOf(schema);
  if (types.includes('array')) {
    if (kind) return [idOf(world, kind, 'spare')];
    return [validValue(operation, `${name}_item`, schema.items ?? { type: 'string' }, world)];
  }
  if (types.includes('object') && schema.properties) {
    // A nested object (an item of a batch): its required properties, and its optional ids.
    const item: Record<string, unknown> = {};
    for (const [property, propertySchema] of Object.entries(schema.properties)) {
      if ((schema.required ?? []).includes(property) || kindOfIdName(property))
        item[property] = validValue(operation, property, propertySchema, world);
    }
    return item;
  }
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  if (kind) return idOf(world, kind, 'spare');
  if (types.includes('integer') || types.includes('number')) return schema.minimum ?? 1;
  if (types.includes('boolean')) return true;
  if (types.includes('string')) {
    if (schema.format === 'email') return `${randomUUID()}@example.com`;
    if (schema.format === 'uri') return testWebhookUrl();
    if (schema.format === 'uuid') throw new Error(`${operation.label}: cannot choose a uuid for ${name}; teach kindOfIdName()`);
    const unique = randomUUID().replace(/-/g, '');
    if (schema.pattern) {
      const pattern = new RegExp(schema.pattern);
      for (const candidate of [`v-${unique}`, `v${unique}`, unique, `V${unique}`]) {
        const value = candidate.slice(0, schema.maxLength ?? candidate.length);
        if (pattern.test(value)) return value;
      }
      throw new Error(`${operation.label}: cannot make a value for ${name} matching ${schema.pattern}`);
    }
    return `Valid ${unique}`.slice(0, Math.max(schema.minLength ?? 1, Math.min(schema.maxLength ?? 64, 64)));
  }
  throw new Error(`${operation.label}: cannot make a value for ${name} (${JSON.stringify(schema)})`);
}

/** Id-like fields of the body: `application_id` (one) or `application_ids` (a list). */
export function bodyIdFields(operation: ApiOperation): Array<{ name: string; kind: Kind; list: boolean }> {
  const fields: Array<{ name: string; kind: Kind; list: boolean }> = [];
  for (const [name, schema] of Object.entries(operation.body?.properties ?? {})) {
    const kind = kindOfIdName(name);
    if (kind) fields.push({ name, kind, list: typesOf(schema).includes('array') });
  }
  return fields;
}

/** Tenant tokens for a world: with all scopes, or with exactly the given ones. */
export function worldToken(world: World, scopes?: readonly string[]): string {
  return scopes ? tokenFor(world.tenantId, scopes) : world.token;
}
