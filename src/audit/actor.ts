import { createParamDecorator, ExecutionContext, InternalServerErrorException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Principal } from '../common/auth/principal';

/** Who makes a change and in which request: what the audit trail records with it. */
export interface Actor {
  /** The token's `sub`. */
  subject: string;
  requestId: string;
}

/** The caller of a write, for the audit trail. Fails loudly if authentication did not run. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { user?: unknown }>();
  if (!(request.user instanceof Principal)) {
    throw new InternalServerErrorException('No authenticated principal on this request');
  }
  return { subject: request.user.subject, requestId: request.id };
});
