import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { CHANGE_EVENT_TYPES } from './change-events/change-event-types';
import { EVENT_DATA_CLASSES, EVENT_MODELS, eventSchemaName } from './change-events/dto/change-event.dto';
import { PLATFORM_ADMIN, Scope, TENANT_SCOPES } from './common/auth/scopes';
import { EXAMPLE_IDS } from './common/http/examples';
import { ErrorResponse, HTTPValidationError, ValidationErrorItem } from './common/http/validation-error.dto';

const DESCRIPTION = `
Multi-tenant identity and access management: tenants, their users, groups and
applications, and which users and groups may use which applications.

**Authentication.** Every endpoint except \`/health/*\` and the docs needs
\`Authorization: Bearer <JWT>\`. The token carries \`sub\` (the actor, recorded on every
change), \`tenant_id\` (the tenant it acts in), \`exp\`, and its scopes as a space-separated
\`scope\` string or an \`scp\` array.

**Scopes.** ${TENANT_SCOPES.map((scope) => `\`${scope}\``).join(', ')}: reads need
\`<area>:read\`, changes \`<area>:write\`; the access checks need \`${Scope.AccessCheck}\` (all a
gateway's token needs). \`${PLATFORM_ADMIN}\` acts in any tenant with every
scope, and is required to create, update or delete tenants.

**Tenant scoping.** A \`tenant_id\` in the path that is not the token's is 403. An id that
belongs to another tenant is 404, exactly as if it did not exist.

**Errors.** 422 is \`{"detail": [{"loc", "msg", "type"}]}\`; every other error is
\`{"detail": "message"}\`.

**Retries (Idempotency-Key).** Every POST that creates or assigns (tenants, users, groups,
applications, group members, and the three App Assignments POSTs, whose reference
operations do not list the header) takes an optional \`Idempotency-Key\` header (IETF
draft-ietf-httpapi-idempotency-key-header): 1 to 255 printable ASCII characters, e.g. a
UUID, scoped to the tenant and the token's \`sub\`. Within 24 hours, the same key with the
same request (method, path, JSON body) answers the first response again, status, body and
headers, with \`Idempotent-Replayed: true\`, without doing the work again. The same key with
another body or operation is 422 at \`["header", "idempotency-key"]\`; while the first
request is still in flight, 409 with \`Retry-After: 1\`. A request that fails records
nothing, so its retry runs again. Without the header nothing changes (a duplicate
assignment is still a 409).

**Read your writes (Consistency-Token).** Heavy reads (lists, assignees, effective users,
a user's or group's applications, audit events) may be served by a streaming replica, a
moment behind the primary. Every successful write answers with a \`Consistency-Token\`
header (the primary's WAL position after the commit); a read that sends it back as
\`Consistency-Token\` is served by a replica only once that replica has replayed the write,
otherwise by the primary, so it always sees the write (the App Assignments reads take it
too, though their reference operations do not list the header). A malformed token is 422 at
\`["header", "consistency-token"]\`.

**Concurrency (ETag).** Users, groups and applications carry a strong \`ETag\` (their
version) on their GET, their creation and their PATCH. \`If-None-Match\` on the GET answers
304 when the ETag is current; \`If-Match\` on PATCH and DELETE applies the change only at that
version (\`*\`: any), otherwise 412 and nothing changes.
`.trim();

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Builds the OpenAPI 3.1 document from the code (served, exported and tested). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('IAM App Assignments API')
    .setVersion('1.0.0')
    .setDescription(DESCRIPTION)
    // Relative: the API is served by the same origin as this document and Swagger UI.
    .addServer('/', 'This service')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addTag(
      'Tenants',
      `Organisations, isolated from one another. Creating, updating and deleting them needs \`${PLATFORM_ADMIN}\`.`,
    )
    .addTag('Users', 'The people of a tenant. Deleting one removes their memberships and assignments.')
    .addTag('Groups', 'Named sets of users of a tenant, and their members.')
    .addTag('Applications', 'The applications users of a tenant can be given access to.')
    .addTag('App Assignments', 'Which users and groups may use which applications, and who may use an application in effect.')
    .addTag(
      'Access Checks',
      "The gateway's question: may this user use this application (by id or OAuth `client_id`), directly or through which groups. " +
        'One check or a batch of up to 100; reads only. Needs `access:check`.',
    )
    .addTag('Audit', 'The append-only trail of every successful change: who, what, which resource, when, in which request.')
    .addTag(
      'Webhooks',
      'Change events POSTed to your URL as they commit, signed (`IAM-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`), ' +
        'at least once, in order per subscription, retried for a day. Needs `webhooks:read` / `webhooks:write`.',
    )
    .addTag(
      'Change Events',
      'Every committed change that can alter who may use what (the outbox webhooks and NATS are fed from). One schema per type: `<Type>Event`.',
    )
    .addTag('Health', 'Liveness and readiness probes; no token needed.')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    autoTagControllers: false,
    extraModels: [HTTPValidationError, ValidationErrorItem, ErrorResponse, ...EVENT_DATA_CLASSES, ...EVENT_MODELS],
  });
  // Private code (package.json: UNLICENSED): no licence is granted, and the document says so.
  document.info.license = { name: 'Proprietary' };
  declareWebhooks(document);
  applyOperationIds(document);
  orderPathParameters(document);
  declarePublicOperations(document);
  declareConsistencyTokens(document);
  exemplifyPathParameters(document);
  exemplifyModelProperties(document);
  return document;
}

/**
 * OpenAPI 3.1 `webhooks`: what the service POSTs to a subscription's URL, one entry per
 * event type, each with its schema (`<Type>Event`) and the headers that come with it.
 */
function declareWebhooks(document: OpenAPIObject): void {
  const header = (description: string, example: string) => ({ required: true, description, schema: { type: 'string' }, example });
  document.webhooks = Object.fromEntries(
    CHANGE_EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          tags: ['Webhooks'],
          summary: `Change Event ${type}`,
          operationId: `webhook_${type.replace(/[^A-Za-z0-9_]/g, '_')}_post`,
          description: `Sent to every active subscription that wants \`${type}\` (or every type).`,
          security: [],
          parameters: [
            {
              in: 'header',
              name: 'IAM-Signature',
              ...header(
                '`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`',
                't=1767268800,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
              ),
            },
            {
              in: 'header',
              name: 'IAM-Event-Id',
              ...header('The event id: de-duplicate by it.', '0f3e2d1c-4b5a-4c6d-9e8f-7a6b5c4d3e2f'),
            },
            { in: 'header', name: 'IAM-Event-Type', ...header('The event type.', type) },
            {
              in: 'header',
              name: 'IAM-Delivery-Attempt',
              ...header('1 for the first POST of this event to this subscription.', '1'),
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: `#/components/schemas/${eventSchemaName(type)}` } } },
          },
          responses: {
            '200': { description: 'Any 2xx acknowledges the event.' },
            '400': { description: 'Any other answer (or none within the time limit) is retried with backoff for a day.' },
          },
        },
      },
    ]),
  );
}

/**
 * The original backend's rule, which generated SDKs name their methods after:
 * snake_case(summary) + path with every non-word character as `_` + `_` + method.
 */
export function operationIdFor(summary: string, path: string, method: string): string {
  const name = summary
    .trim()
    .split(/\s+/)
    .map((word) => word.toLowerCase())
    .join('_');
  return `${name}${path.replace(/[^A-Za-z0-9_]/g, '_')}_${method.toLowerCase()}`;
}

function applyOperationIds(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation?.summary) operation.operationId = operationIdFor(operation.summary, path, method);
    }
  }
}

/**
 * Path parameters first, in the order the path names them (`tenant_id` is declared once
 * per controller, so Nest lists it last), then the others as declared: generated SDKs take
 * them positionally.
 */
function orderPathParameters(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation?.parameters) continue;
      const position = (parameter: (typeof operation.parameters)[number]) =>
        '$ref' in parameter || parameter.in !== 'path' ? Number.MAX_SAFE_INTEGER : path.indexOf(`{${parameter.name}}`);
      operation.parameters = operation.parameters
        .map((parameter, index) => ({ parameter, index }))
        .sort((a, b) => position(a.parameter) - position(b.parameter) || a.index - b.index)
        .map(({ parameter }) => parameter);
    }
  }
}

/**
 * Authenticated controllers declare `@ApiBearerAuth()`; an operation without it is public
 * (`@Public()`, the health probes) and says so with an empty requirement, so that neither
 * readers nor SDK generators fall back to a global default. test/openapi-docs.e2e-spec.ts
 * checks which operations these are.
 */
function declarePublicOperations(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation && !operation.security) operation.security = [];
    }
  }
}

/** Every successful write answers with the `Consistency-Token` its reads can present (see ReadRouter). */
function declareConsistencyTokens(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation || (operation as unknown as Record<string, unknown>)['x-read-only'] === true) continue;
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!status.startsWith('2') || !response || '$ref' in response) continue;
        response.headers = {
          ...response.headers,
          'Consistency-Token': {
            description:
              "The primary's WAL position once this write committed: send it as `Consistency-Token` on a read to see the write.",
            schema: { type: 'string', example: '0/16B3748' },
          },
        };
      }
    }
  }
}

/**
 * Path ids are plain strings in the reference, without descriptions; each gets the example
 * id of its resource, which Swagger UI's "Try it out" pre-fills.
 */
function exemplifyPathParameters(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      for (const parameter of item[method]?.parameters ?? []) {
        if ('$ref' in parameter || parameter.in !== 'path' || parameter.example !== undefined) continue;
        const example = EXAMPLE_IDS[parameter.name as keyof typeof EXAMPLE_IDS];
        if (example) parameter.example = example;
      }
    }
  }
}

/** The parts of a schema object (or a reference) that the example composition reads and writes. */
interface JsonSchema {
  $ref?: unknown;
  allOf?: JsonSchema[];
  type?: unknown;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  example?: unknown;
  description?: unknown;
}

/**
 * A property that only points at another schema (an envelope's `data`, `meta`,
 * `pagination`, a list of models) gets an example composed from that schema's own
 * property examples, so that every property of the document shows a value and the
 * examples stay in step with the models.
 */
function exemplifyModelProperties(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, JsonSchema>;
  for (const schema of Object.values(schemas)) {
    for (const property of Object.values(schema.properties ?? {})) {
      if (property.example !== undefined || property.description !== undefined || !pointsAtSchema(property)) continue;
      const example = composeExample(property, schemas, new Set());
      if (example !== undefined) property.example = example;
    }
  }
}

function pointsAtSchema(schema: JsonSchema): boolean {
  return (
    typeof schema.$ref === 'string' ||
    (Array.isArray(schema.allOf) && schema.allOf.some(pointsAtSchema)) ||
    (schema.type === 'array' && !!schema.items && pointsAtSchema(schema.items))
  );
}

function composeExample(schema: JsonSchema, schemas: Record<string, JsonSchema>, visiting: Set<string>): unknown {
  if (schema.example !== undefined) return schema.example;
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '');
    if (visiting.has(name) || !schemas[name]) return undefined;
    return composeExample(schemas[name], schemas, new Set([...visiting, name]));
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) return composeExample(schema.allOf[0], schemas, visiting);
  if (schema.type === 'array' && schema.items) {
    const item = composeExample(schema.items, schemas, visiting);
    return item === undefined ? undefined : [item];
  }
  if (schema.properties) {
    const entries = Object.entries(schema.properties)
      .map(([name, property]) => [name, composeExample(property, schemas, visiting)] as const)
      .filter(([, example]) => example !== undefined);
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  return undefined;
}

/** The document as committed: keys sorted, so diffs are stable. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(sortKeys(document), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
