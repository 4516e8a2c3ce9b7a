import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { ApiValidationPipe } from './common/http/api-validation.pipe';
import { consistencyTokenHook } from './common/http/consistency';
import { envelopeHook, preparedBodyHook, UNENVELOPED } from './common/http/envelope';
import { ExceptionsFilter } from './common/http/exceptions.filter';
import { REQUEST_ID_HEADER } from './common/http/request-id';
import { buildOpenApiDocument } from './openapi';

/** The one place that applies pipes, filters, hooks and docs (used by main and tests). */
export function configureApp(app: NestFastifyApplication): void {
  app.useGlobalPipes(new ApiValidationPipe());
  app.useGlobalFilters(new ExceptionsFilter());
  // helmet's headers (Nest's built-in), on every response including errors and 404s.
  // TLS ends at the gateway, so requests are not upgraded here; Swagger UI only needs
  // its own scripts, its inline styles and data: images, which the defaults allow.
  app.useSecurityHeaders({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', consistencyTokenHook);
  fastify.addHook('preSerialization', envelopeHook);
  fastify.addHook('onSend', preparedBodyHook);
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done(null, payload);
  });

  const document = buildOpenApiDocument(app);
  fastify.get('/openapi.json', { logLevel: 'warn', config: UNENVELOPED }, () => document);
  SwaggerModule.setup('docs', app, document, {
    useGlobalPrefix: false,
    raw: false,
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
}
