import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { isUuid } from '../http/uuid';
import { IS_PUBLIC, REQUIRED_SCOPES } from './decorators';
import { Principal } from './principal';

/**
 * Global, after JwtAuthGuard: the caller must act in the path's tenant and hold every
 * scope the handler requires. A handler that declares no scopes is refused.
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: unknown }>();
    const principal = request.user;
    if (!(principal instanceof Principal)) throw new ForbiddenException('Forbidden');

    const tenantId = (request.params as Record<string, string | undefined>)?.tenant_id;
    // A malformed id is left to the validation pipe, which answers 422 naming it.
    if (tenantId && isUuid(tenantId) && !principal.canActIn(tenantId.toLowerCase())) {
      throw new ForbiddenException('Token is not valid for this tenant');
    }

    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, targets);
    if (!required) throw new ForbiddenException('Forbidden');
    const missing = required.filter((scope) => !principal.hasScope(scope));
    if (missing.length > 0) {
      throw new ForbiddenException(`Missing required scope: ${missing.join(' ')}`);
    }
    return true;
  }
}
