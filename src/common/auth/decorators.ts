import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  InternalServerErrorException,
  SetMetadata,
} from '@nestjs/common';
import { ApiBearerAuth, ApiParam } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Principal } from './principal';
import { VERIFIED_TENANT } from './tenant-route';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_SCOPES = 'auth:scopes';
export const ACROSS_TENANTS = 'auth:across-tenants';

/** Opts a handler out of authentication (health checks, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The scopes a caller needs, all of them. Handlers without it are refused (deny by default). */
export const RequireScopes = (...scopes: string[]) => SetMetadata(REQUIRED_SCOPES, scopes);

/**
 * Declares a route outside `/api/v1/tenants/:tenant_id` (listing or creating tenants): the
 * service decides what the caller may see. Every other authenticated route must live under
 * that prefix, or the authorization guard refuses it (see tenant-route.ts).
 */
export const AcrossTenants = () => SetMetadata(ACROSS_TENANTS, true);

/**
 * A controller whose routes live under `/api/v1/tenants/:tenant_id`: bearer-authenticated,
 * with the tenant path parameter documented once (handlers read it with @TenantId()).
 */
export const TenantScoped = () => applyDecorators(ApiBearerAuth(), TenantIdParameter());

/** Documents the `tenant_id` path parameter (on the routes of /api/v1/tenants/:tenant_id itself). */
export const TenantIdParameter = () => ApiParam({ name: 'tenant_id', required: true, type: 'string' });

type AuthorizedRequest = FastifyRequest & { user?: unknown; [VERIFIED_TENANT]?: string };

/** The authenticated caller. Fails loudly if the guard did not run, instead of acting anonymously. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<AuthorizedRequest>();
  if (!(request.user instanceof Principal)) {
    throw new InternalServerErrorException('No authenticated principal on this request');
  }
  return request.user;
});

/**
 * The tenant of the path, as the authorization guard verified it against the token
 * (lower-case). Fails loudly if no tenant check ran for this route.
 */
export const TenantId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const tenantId = context.switchToHttp().getRequest<AuthorizedRequest>()[VERIFIED_TENANT];
  if (tenantId === undefined) throw new InternalServerErrorException('No tenant check ran for this request');
  return tenantId;
});
