import type { FastifyReply } from 'fastify';

/**
 * A DELETE answered now (undefined: 204, as its @Endpoint declares) or accepted for the
 * background: 202 with the deletion in the body and its address in `Location`.
 */
export function noContentOrAccepted<T>(reply: FastifyReply, deletion: T | undefined, location: string): T | undefined {
  if (deletion !== undefined) void reply.status(202).header('Location', location);
  return deletion;
}
