import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RequestValidationException } from './validation.exception';

/**
 * A resource with the version the database keeps for it (a trigger adds one on every change
 * of its representation). The envelope hook sends `data` = body and the version as a
 * strong `ETag`; on a GET it answers 304 when `If-None-Match` names that ETag.
 */
export class Versioned<T> {
  constructor(
    readonly body: T,
    readonly version: number,
  ) {}

  get etag(): string {
    return entityTag(this.version);
  }
}

export function entityTag(version: number): string {
  return `"v${version}"`;
}

/** What a conditional header names: `*`, or entity tags (their versions; a tag of another form names none). */
export type EntityTagList = { any: true } | { any: false; tags: Array<{ weak: boolean; version: number | undefined }> };

const ENTITY_TAG = /^\s*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*$/;
const OUR_TAG = /^v([1-9][0-9]{0,9})$/;

/** Parses `If-Match` / `If-None-Match` (RFC 9110: `*` or a comma-separated list of entity tags); undefined when malformed. */
export function parseEntityTags(value: string): EntityTagList | undefined {
  if (value.trim() === '*') return { any: true };
  // Entity tags hold no comma in practice (ours never do); a quoted comma would only make the value malformed here.
  const parts = value.split(',').filter((part) => part.trim() !== '');
  if (parts.length === 0) return undefined;
  const tags: Array<{ weak: boolean; version: number | undefined }> = [];
  for (const part of parts) {
    const match = ENTITY_TAG.exec(part);
    if (!match) return undefined;
    const ours = OUR_TAG.exec(match[2]);
    const version = ours ? Number(ours[1]) : undefined;
    tags.push({ weak: match[1] !== undefined, version: version !== undefined && version <= 2_147_483_647 ? version : undefined });
  }
  return { any: false, tags };
}

/**
 * An `If-Match` precondition, for a PATCH or DELETE: `versions` null for `*` (any current
 * version), otherwise the versions it names by strong comparison (a weak tag matches
 * nothing). Compared by the statement that makes the change.
 */
export interface IfMatch {
  versions: number[] | null;
}

/** The versions a change may apply to, for the SQL: null when there is no condition on the version. */
export function matchableVersions(ifMatch: IfMatch | undefined): number[] | null {
  return ifMatch?.versions ?? null;
}

/** Whether a precondition named versions (`*` and no header accept any version). */
export function namesVersions(ifMatch: IfMatch | undefined): boolean {
  return ifMatch !== undefined && ifMatch.versions !== null;
}

function singleHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function malformed(name: string): RequestValidationException {
  return RequestValidationException.single(
    ['header', name],
    `${name === 'if-match' ? 'If-Match' : 'If-None-Match'} must be "*" or a list of entity tags such as "v3"`,
    'entity_tag_invalid',
  );
}

/** The request's `If-Match`, or undefined without one; 422 at ["header", "if-match"] when malformed. */
export const IfMatchHeader = createParamDecorator((_: unknown, context: ExecutionContext): IfMatch | undefined => {
  const value = singleHeader(context.switchToHttp().getRequest<FastifyRequest>(), 'if-match');
  if (value === undefined) return undefined;
  const parsed = parseEntityTags(value);
  if (!parsed) throw malformed('if-match');
  if (parsed.any) return { versions: null };
  return { versions: parsed.tags.flatMap((tag) => (!tag.weak && tag.version !== undefined ? [tag.version] : [])) };
});

/**
 * Whether a GET's `If-None-Match` names the current version (weak comparison, `*` matching
 * any): then the answer is 304. 422 at ["header", "if-none-match"] when malformed.
 */
export function ifNoneMatchHolds(request: FastifyRequest, version: number): boolean {
  const value = singleHeader(request, 'if-none-match');
  if (value === undefined) return false;
  const parsed = parseEntityTags(value);
  if (!parsed) throw malformed('if-none-match');
  return parsed.any || parsed.tags.some((tag) => tag.version === version);
}
