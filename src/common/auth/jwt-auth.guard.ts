import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { consistencyOf } from '../http/consistency';
import { AuthErrors, BEARER_CHALLENGE } from './auth.errors';
import { IS_PUBLIC } from './decorators';
import { bearerCredentials } from './jwt.strategy';
import { Principal } from './principal';
import { VerifiedTokenCache } from './verified-token-cache';

/**
 * Global: every route needs a valid bearer token unless marked @Public(). A token verified
 * in the last minute is taken from the VerifiedTokenCache without passport.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifiedTokens: VerifiedTokenCache,
  ) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const token = bearerCredentials(request);
    const known = token === null ? undefined : this.verifiedTokens.get(token);
    if (known) {
      request.user = new Principal(known.subject, known.tenantId, known.scopes, request.id, consistencyOf(request));
      return true;
    }
    return super.canActivate(context);
  }

  // RFC 6750: say that the token is missing or invalid, and nothing about why.
  override handleRequest<TUser>(error: unknown, user: TUser, info: unknown): TUser {
    if (error || !user) {
      const missing = info instanceof Error && /No auth token/i.test(info.message);
      throw missing
        ? AuthErrors.notAuthenticated.errorWithHeaders({ 'WWW-Authenticate': BEARER_CHALLENGE })
        : AuthErrors.invalidToken.errorWithHeaders({ 'WWW-Authenticate': `${BEARER_CHALLENGE}, error="invalid_token"` });
    }
    return user;
  }
}
