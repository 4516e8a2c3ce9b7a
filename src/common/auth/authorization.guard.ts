import { CanActivate, ExecutionContext, Injectable, InternalServerErrorException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { isUuid } from '../http/uuid';
import { RequestValidationException } from '../http/validation.exception';
import { AuthErrors } from './auth.errors';
import { ACROSS_TENANTS, IS_PUBLIC, REQUIRED_SCOPES } from './decorators';
import { Principal } from './principal';
import { tenantScopeOf, VERIFIED_TENANT } from './tenant-route';

type AuthorizedRequest = FastifyRequest & { user?: unknown; [VERIFIED_TENANT]?: string };

/**
 * Global, after JwtAuthGuard: the caller must act in the path's tenant and hold every
 * scope the handler requires. A handler that declares no scopes is refused, and so is a
 * route that is neither under `/api/v1/tenants/:tenant_id` nor marked @AcrossTenants().
 * The verified tenant is left on the request for @TenantId().
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthorizedRequest>();
    const principal = request.user;
    if (!(principal instanceof Principal)) throw AuthErrors.forbidden.error();

    const scope = tenantScopeOf(
      request.routeOptions.url ?? '',
      this.reflector.getAllAndOverride<boolean>(ACROSS_TENANTS, targets) === true,
    );
    if (scope === 'unclassified') {
      throw new InternalServerErrorException(`Route ${request.routeOptions.url} declares no tenant scope`);
    }
    const tenantId = scope === 'tenant' ? (request.params as { tenant_id: string }).tenant_id : undefined;
    // The tenant is compared before the scopes; a malformed one is answered 422 after them.
    if (tenantId !== undefined && isUuid(tenantId) && !principal.canActIn(tenantId.toLowerCase())) {
      throw AuthErrors.wrongTenant.error();
    }

    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, targets);
    if (!required) throw AuthErrors.forbidden.error();
    const missing = required.filter((required) => !principal.hasScope(required));
    if (missing.length > 0) throw AuthErrors.missingScope.error(missing);

    if (tenantId !== undefined) {
      if (!isUuid(tenantId)) {
        throw RequestValidationException.single(['path', 'tenant_id'], 'Input should be a valid UUID', 'uuid_parsing');
      }
      request[VERIFIED_TENANT] = tenantId.toLowerCase();
    }
    return true;
  }
}
