import { createParamDecorator, ExecutionContext, InternalServerErrorException, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Principal } from './principal';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_SCOPES = 'auth:scopes';

/** Opts a handler out of authentication (health checks, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The scopes a caller needs, all of them. Handlers without it are refused (deny by default). */
export const RequireScopes = (...scopes: string[]) => SetMetadata(REQUIRED_SCOPES, scopes);

/** The authenticated caller. Fails loudly if the guard did not run, instead of acting anonymously. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { user?: unknown }>();
  if (!(request.user instanceof Principal)) {
    throw new InternalServerErrorException('No authenticated principal on this request');
  }
  return request.user;
});
