import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { ApiValidationPipe } from './common/http/api-validation.pipe';
import { EnvelopeInterceptor } from './common/http/envelope.interceptor';
import { ExceptionsFilter } from './common/http/exceptions.filter';
import { REQUEST_ID_HEADER } from './common/http/request-id';
import { buildOpenApiDocument } from './openapi';

/** The one place that applies pipes, filters, interceptors and docs (used by main and tests). */
export function configureApp(app: NestFastifyApplication): void {
  app.useGlobalPipes(new ApiValidationPipe());
  app.useGlobalFilters(new ExceptionsFilter());
  app.useGlobalInterceptors(new EnvelopeInterceptor());
  // helmet's headers (Nest's built-in), on every response including errors and 404s.
  // TLS ends at the gateway, so requests are not upgraded here; Swagger UI only needs
  // its own scripts, its inline styles and data: images, which the defaults allow.
  app.useSecurityHeaders({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });

  const document = buildOpenApiDocument(app);
  fastify.get('/openapi.json', { logLevel: 'warn' }, () => document);
  SwaggerModule.setup('docs', app, document, {
    useGlobalPrefix: false,
    raw: false,
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
}
