import type { OpenAPIObject } from '@nestjs/swagger';
import { PLATFORM_ADMIN, TENANT_SCOPES } from '../src/common/auth/scopes';
import { isUuid } from '../src/common/http/uuid';
import { emitOpenApiDocument } from '../src/openapi-offline';
import { startTestApp, TestApp } from './support/test-app';

// The OpenAPI document walked as plain JSON, like a response body: schemas and references
// are read field by field, and the assertions check what is there.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Json = Record<string, any>;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const documented = (node: Json): boolean =>
  node.example !== undefined || (Array.isArray(node.examples) && node.examples.length > 0) || !!node.description;

/** `Schema.property` (and nested `Schema.property.inner`, `Schema.list[].field`) with neither example nor description. */
function undocumentedProperties(schemas: Record<string, Json>): string[] {
  const found: string[] = [];
  const visit = (schema: Json | undefined, path: string): void => {
    if (!schema || typeof schema !== 'object') return;
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Json>)) {
      if (!documented(property)) found.push(`${path}.${name}`);
      visit(property, `${path}.${name}`);
    }
    visit(schema.items, `${path}[]`);
    for (const key of ['allOf', 'anyOf', 'oneOf']) for (const part of (schema[key] ?? []) as Json[]) visit(part, path);
  };
  for (const [name, schema] of Object.entries(schemas)) visit(schema, name);
  return found;
}

interface Operation {
  name: string;
  operation: Json;
}

function operationsOf(document: OpenAPIObject): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => (item as Json)[method]).map((method) => ({
      name: `${method.toUpperCase()} ${path}`,
      operation: (item as Json)[method] as Json,
    })),
  );
}

/** `GET /path: name (in)` for every parameter with neither example nor description. */
function undocumentedParameters(document: OpenAPIObject): string[] {
  return operationsOf(document).flatMap(({ name, operation }) =>
    ((operation.parameters ?? []) as Json[])
      .filter((parameter) => !documented(parameter) && !documented(parameter.schema ?? {}))
      .map((parameter) => `${name}: ${parameter.name} (${parameter.in})`),
  );
}

/** Docs that teach: Swagger UI's "Try it out" and example values come from these fields. */
describe('OpenAPI document as documentation', () => {
  let document: OpenAPIObject;

  beforeAll(async () => {
    document = await emitOpenApiDocument();
  });

  it('gives every schema property an example or a description', () => {
    const schemas = (document.components?.schemas ?? {}) as Record<string, Json>;
    expect(Object.keys(schemas).length).toBeGreaterThan(20);
    expect(undocumentedProperties(schemas)).toEqual([]);
  });

  it('gives every parameter an example or a description', () => {
    const parameters = operationsOf(document).flatMap(({ operation }) => (operation.parameters ?? []) as Json[]);
    expect(parameters.length).toBeGreaterThan(50);
    expect(undocumentedParameters(document)).toEqual([]);
  });

  it('pre-fills every path id with an example the service accepts, the same id for the same name everywhere', () => {
    const examples = new Map<string, Set<unknown>>();
    const problems: string[] = [];
    for (const { name, operation } of operationsOf(document)) {
      for (const parameter of ((operation.parameters ?? []) as Json[]).filter((p) => p.in === 'path')) {
        if (!isUuid(parameter.example)) problems.push(`${name}: ${parameter.name} = ${JSON.stringify(parameter.example)}`);
        examples.set(parameter.name, (examples.get(parameter.name) ?? new Set()).add(parameter.example));
      }
    }
    expect(problems).toEqual([]);
    expect([...examples.keys()].sort()).toEqual(['application_id', 'group_id', 'tenant_id', 'user_id', 'webhook_id']);
    for (const values of examples.values()) expect(values.size).toBe(1);
  });

  it('fills the reference envelopes with examples composed from their models', () => {
    const schemas = document.components?.schemas as Record<string, Json>;
    expect(schemas.ApiResponse_UserAssignedAppsResponse_.properties.data.example).toEqual({
      user_id: schemas.UserAssignedAppsResponse.properties.user_id.example,
      applications: [
        Object.fromEntries(
          Object.entries(schemas.AppAssignment.properties as Record<string, Json>).map(([field, property]) => [
            field,
            property.example,
          ]),
        ),
      ],
      total_count: schemas.UserAssignedAppsResponse.properties.total_count.example,
    });
    expect(schemas.HTTPValidationError.properties.detail.example).toEqual([
      { loc: ['body', 'application_id'], msg: expect.any(String), type: expect.any(String) },
    ]);
    // The untyped `dict` bodies show the fields API-CONTRACT.md gives them.
    expect(Object.keys(schemas.PaginatedResponse_dict_.properties.data.example[0]).sort()).toEqual([
      'direct',
      'display_name',
      'email',
      'status',
      'user_id',
      'via_groups',
    ]);
    expect(Object.keys(schemas.ApiResponse_dict_.properties.data.example).sort()).toEqual([
      'application_id',
      'assigned_at',
      'assignment_type',
      'user_id',
    ]);
  });

  it('shows the exact body of the operations whose `dict` differs from the shared example', () => {
    const example = (path: string) =>
      ((document.paths[path] as Json).post.responses['201'].content['application/json'].example as Json).data;
    expect(Object.keys(example('/api/v1/tenants/{tenant_id}/groups/{group_id}/applications')).sort()).toEqual([
      'application_id',
      'assigned_at',
      'assignment_type',
      'group_id',
    ]);
    expect(Object.keys(example('/api/v1/tenants/{tenant_id}/users/{user_id}/applications/bulk')).sort()).toEqual([
      'already_assigned',
      'assigned',
      'assigned_count',
      'user_id',
    ]);
  });

  it('describes authentication, every scope and tenant scoping in the info block', () => {
    const description = document.info.description ?? '';
    expect(description).toContain('Authorization: Bearer <JWT>');
    for (const scope of [...TENANT_SCOPES, PLATFORM_ADMIN]) expect(description).toContain(`\`${scope}\``);
    expect(description).toMatch(/\*\*Tenant scoping\.\*\* .*is 403/s);
    expect(description).toMatch(/another tenant is 404/);
  });

  it('requires the bearer token everywhere except the health probes, which say they are public', () => {
    const security = Object.fromEntries(operationsOf(document).map(({ name, operation }) => [name, operation.security]));
    const publicOperations = Object.entries(security)
      .filter(([, requirement]) => JSON.stringify(requirement) !== JSON.stringify([{ bearer: [] }]))
      .map(([name, requirement]) => ({ name, requirement }));
    expect(publicOperations).toEqual([
      { name: 'GET /health/live', requirement: [] },
      { name: 'GET /health/ready', requirement: [] },
    ]);
  });

  it('names a tag description for every tag and the service itself as the server', () => {
    for (const tag of document.tags ?? [])
      expect({ tag: tag.name, described: !!tag.description }).toEqual({ tag: tag.name, described: true });
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
  });

  // The checks above must be able to fail: run them on a document with gaps.
  it('reports the properties and parameters that lack both', () => {
    const schemas: Record<string, Json> = {
      Thing: {
        type: 'object',
        properties: {
          id: { type: 'string', example: 'x' },
          name: { type: 'string' },
          parts: { type: 'array', items: { type: 'object', properties: { size: { type: 'integer' } } }, description: 'Parts' },
        },
      },
    };
    expect(undocumentedProperties(schemas)).toEqual(['Thing.name', 'Thing.parts[].size']);
    const gappy = {
      paths: {
        '/things/{thing_id}': {
          get: {
            parameters: [
              { name: 'thing_id', in: 'path', schema: { type: 'string' } },
              { name: 'q', in: 'query', schema: { type: 'string', example: 'x' } },
            ],
          },
        },
      },
    } as unknown as OpenAPIObject;
    expect(undocumentedParameters(gappy)).toEqual(['GET /things/{thing_id}: thing_id (path)']);
  });
});

describe('Swagger UI', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('keeps the authorization across reloads (persistAuthorization)', async () => {
    const init = await t.http.get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toMatch(/"persistAuthorization":\s*true/);
  });

  it('is served the document checked above', async () => {
    const served = await t.http.get('/openapi.json').expect(200);
    expect(served.body).toEqual(JSON.parse(JSON.stringify(await emitOpenApiDocument())));
  });
});
