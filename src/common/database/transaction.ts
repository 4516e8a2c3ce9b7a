import { ConflictException, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FOREIGN_KEY_VIOLATION, isPostgresError, UNIQUE_VIOLATION } from './postgres-errors';

export interface Transactional {
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
}

/** What a constraint violation means to the caller: the 409 or 404 message to answer with. */
export interface ViolationMessages {
  /** A unique constraint: 409 with this message. */
  duplicate?: string;
  /** A foreign key (a row referenced was deleted meanwhile): 404 with this message. */
  missingReference?: string;
}

/**
 * Runs `work` in one transaction, so that a change and its audit event commit or roll back
 * together, and answers the constraint violations it can meet in the caller's words.
 */
export async function inTransaction<T>(
  source: Transactional,
  work: (manager: EntityManager) => Promise<T>,
  messages: ViolationMessages,
): Promise<T> {
  try {
    return await source.transaction(work);
  } catch (error) {
    if (messages.duplicate && isPostgresError(error, UNIQUE_VIOLATION)) throw new ConflictException(messages.duplicate);
    if (messages.missingReference && isPostgresError(error, FOREIGN_KEY_VIOLATION)) {
      throw new NotFoundException(messages.missingReference);
    }
    throw error;
  }
}
