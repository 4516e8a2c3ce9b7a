import type { FastifyReply, FastifyRequest } from 'fastify';

/** A response fixed byte for byte: its status, the headers that matter (lower-case names) and its body text. */
export interface PreparedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const PREPARED = Symbol('prepared response');

type RequestWithPrepared = FastifyRequest & { [PREPARED]?: { result: unknown; response: PreparedResponse } };

/**
 * Marks the response of a request as prepared (by the write path, for an Idempotency-Key,
 * whose record must hold exactly what is sent): the handler's `result` is then answered
 * with this response instead of the envelope built after the fact.
 */
export function prepareResponse(request: FastifyRequest, result: unknown, response: PreparedResponse): void {
  (request as RequestWithPrepared)[PREPARED] = { result, response };
}

/** The prepared response for the handler's result, if there is one. */
export function preparedResponseFor(request: FastifyRequest, result: unknown): PreparedResponse | undefined {
  const prepared = (request as RequestWithPrepared)[PREPARED];
  if (!prepared) return undefined;
  // The response recorded with the key must be the one sent: a handler that changed the
  // write's result afterwards would make the replay differ from the first answer.
  if (prepared.result !== result)
    throw new Error('the handler answered something else than the result its response was prepared for');
  return prepared.response;
}

/** Sends a prepared response (its body as the text it is), with extra headers. */
export function applyPreparedResponse(
  reply: FastifyReply,
  response: PreparedResponse,
  extra: Record<string, string> = {},
): string {
  void reply.status(response.status).headers({ ...response.headers, ...extra });
  return response.body;
}

/**
 * Thrown instead of answering again: the response of an earlier request, to be sent as it
 * was (an Idempotency-Key replay). The exception filter sends it; nothing else was done.
 */
export class PreparedResponseReplay extends Error {
  constructor(readonly response: PreparedResponse) {
    super('replay of a stored response');
    this.name = 'PreparedResponseReplay';
  }
}
