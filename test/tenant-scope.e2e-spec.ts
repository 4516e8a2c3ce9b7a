import { Controller, Get, Param, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import supertest from 'supertest';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/app.setup';
import { AuthModule } from '../src/common/auth/auth.module';
import { ACROSS_TENANTS, IS_PUBLIC, RequireScopes, TenantId } from '../src/common/auth/decorators';
import { Scope } from '../src/common/auth/scopes';
import { tenantScopeOf } from '../src/common/auth/tenant-route';
import { ConfigModule } from '../src/config/config.module';
import { validateEnvironment } from '../src/config/environment';
import { bearer, tokenFor } from './support/test-app';

interface RouteInfo {
  label: string;
  path: string;
  isPublic: boolean;
  acrossTenants: boolean;
  /** Handler parameters bound with @Param('tenant_id') instead of @TenantId(). */
  rawTenantParameters: number;
}

/** Every route of every controller in the module graph, with how it is scoped. */
function routesOf(app: NestFastifyApplication): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown>;
      const base = Reflect.getMetadata(PATH_METADATA, controller) as string;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as number | undefined;
        if (method === undefined) continue;
        const path =
          `/${[base, Reflect.getMetadata(PATH_METADATA, handler) as string].filter((part) => part && part !== '/').join('/')}`
            .replace(/\/+/g, '/')
            .replace(/\/$/, '');
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, { data?: unknown }>;
        routes.push({
          label: `${controller.name}.${name} ${path}`,
          path,
          isPublic: Reflect.getMetadata(IS_PUBLIC, handler) === true || Reflect.getMetadata(IS_PUBLIC, controller) === true,
          acrossTenants: Reflect.getMetadata(ACROSS_TENANTS, handler) === true,
          rawTenantParameters: Object.values(args).filter((arg) => arg.data === 'tenant_id').length,
        });
      }
    }
  }
  return routes;
}

describe('Tenant scope of every route', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const env = validateEnvironment({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot(env, 'postgres://unused@127.0.0.1:1/unused'),
      new FastifyAdapter(),
      { preview: true, logger: false },
    );
  });

  afterAll(async () => {
    await app.close();
  });

  it('finds the routes (the walk itself works)', () => {
    const paths = routesOf(app).map((route) => route.path);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/v1/tenants', '/api/v1/tenants/:tenant_id/users/:user_id', '/health/live']),
    );
    expect(paths.length).toBeGreaterThan(30);
  });

  it('puts every authenticated route under /api/v1/tenants/:tenant_id, or marks it @AcrossTenants()', () => {
    const unclassified = routesOf(app)
      .filter((route) => !route.isPublic && tenantScopeOf(route.path, route.acrossTenants) === 'unclassified')
      .map((route) => route.label);
    expect(unclassified).toEqual([]);
  });

  it('gives handlers the verified tenant through @TenantId(), never the raw path parameter', () => {
    expect(
      routesOf(app)
        .filter((route) => route.rawTenantParameters > 0)
        .map((route) => route.label),
    ).toEqual([]);
  });
});

@Controller('api/v1/tenants/:tenantId/things')
class MisspelledTenantController {
  @Get()
  @RequireScopes(Scope.UsersRead)
  list(@Param('tenantId') tenantId: string): string[] {
    return [tenantId];
  }
}

@Controller('api/v1/tenants/:tenant_id/gadgets')
class ForgetfulController {
  @Get('unchecked')
  @RequireScopes(Scope.UsersRead)
  list(@TenantId() tenantId: string): string[] {
    return [tenantId];
  }
}

describe('A route added without a tenant check', () => {
  let app: NestFastifyApplication;
  const tenant = '6a1e1c39-2f5b-4d8e-9b1a-0c3d5e7f9a2b';

  beforeAll(async () => {
    const env = validateEnvironment({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    app = await NestFactory.create<NestFastifyApplication>(
      {
        module: class SmallAppModule {},
        imports: [ConfigModule.forRoot(env), AuthModule],
        controllers: [MisspelledTenantController, ForgetfulController],
      },
      new FastifyAdapter(),
      { logger: false },
    );
    configureApp(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
  });

  it('is refused at run time (500), not served unchecked, and the route walk names it', async () => {
    const response = await supertest(app.getHttpServer())
      .get(`/api/v1/tenants/${tenant}/things`)
      .set(bearer(tokenFor('0d4a8c1e-5b7f-4a3c-9e2d-1f6b8a0c4e7d', ['users:read'])));
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ detail: 'Internal Server Error' });
    const misspelled = routesOf(app).filter((route) => tenantScopeOf(route.path, route.acrossTenants) === 'unclassified');
    expect(misspelled.map((route) => route.path)).toEqual(['/api/v1/tenants/:tenantId/things']);
  });

  it('under the right prefix, is checked against the token: another tenant is 403, its own is served', async () => {
    const http = supertest(app.getHttpServer());
    await http
      .get(`/api/v1/tenants/${tenant}/gadgets/unchecked`)
      .set(bearer(tokenFor('0d4a8c1e-5b7f-4a3c-9e2d-1f6b8a0c4e7d', ['users:read'])))
      .expect(403);
    const own = await http.get(`/api/v1/tenants/${tenant}/gadgets/unchecked`).set(bearer(tokenFor(tenant, ['users:read'])));
    expect(own.status).toBe(200);
    expect(own.body.data).toEqual([tenant]);
  });
});
