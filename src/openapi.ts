import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { TENANT_SCOPES, PLATFORM_ADMIN } from './common/auth/scopes';
import { ErrorResponse, HTTPValidationError, ValidationErrorItem } from './common/http/validation-error.dto';

const DESCRIPTION = `
Multi-tenant identity and access management: tenants, their users, groups and
applications, and which users and groups may use which applications.

**Authentication.** Every endpoint except \`/health/*\` and the docs needs
\`Authorization: Bearer <JWT>\`. The token carries \`sub\` (the actor, recorded on every
change), \`tenant_id\` (the tenant it acts in), \`exp\`, and its scopes as a space-separated
\`scope\` string or an \`scp\` array.

**Scopes.** ${TENANT_SCOPES.map((scope) => `\`${scope}\``).join(', ')}: reads need
\`<area>:read\`, changes \`<area>:write\`. \`${PLATFORM_ADMIN}\` acts in any tenant with every
scope, and is required to create, update or delete tenants.

**Tenant scoping.** A \`tenant_id\` in the path that is not the token's is 403. An id that
belongs to another tenant is 404, exactly as if it did not exist.

**Errors.** 422 is \`{"detail": [{"loc", "msg", "type"}]}\`; every other error is
\`{"detail": "message"}\`.
`.trim();

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Builds the OpenAPI 3.1 document from the code (served, exported and tested). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('IAM App Assignments API')
    .setVersion('1.0.0')
    .setDescription(DESCRIPTION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addTag('Tenants')
    .addTag('Users')
    .addTag('Groups')
    .addTag('Applications')
    .addTag('App Assignments')
    .addTag('Health')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    autoTagControllers: false,
    extraModels: [HTTPValidationError, ValidationErrorItem, ErrorResponse],
  });
  applyOperationIds(document);
  return document;
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
