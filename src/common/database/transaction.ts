import type { EntityManager } from 'typeorm';
import type { ErrorKind } from '../errors/api-error';
import { FOREIGN_KEY_VIOLATION, isPostgresError, UNIQUE_VIOLATION } from './postgres-errors';

/** An open transaction: pass it to a repository's write methods so their statements join it. */
export type Tx = EntityManager;

/** What a constraint violation means to the caller of a write. */
export interface Violations {
  /** A unique constraint failed. */
  duplicate?: ErrorKind;
  /** A foreign key failed: a row the write refers to was deleted meanwhile. */
  missingReference?: ErrorKind;
}

/** The named error a constraint violation stands for, or the error itself. */
export function violationError(error: unknown, violations: Violations): unknown {
  if (violations.duplicate && isPostgresError(error, UNIQUE_VIOLATION)) return violations.duplicate.error();
  if (violations.missingReference && isPostgresError(error, FOREIGN_KEY_VIOLATION)) return violations.missingReference.error();
  return error;
}
