import { isUUID } from 'class-validator';

/**
 * Ids are accepted in PostgreSQL's canonical uuid form (8-4-4-4-12 hex digits) whatever
 * their version bits, so that every id the database can hold is addressable.
 */
export const UUID_FORMAT = 'loose';

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && isUUID(value, UUID_FORMAT);
}
