import { QueryFailedError } from 'typeorm';

export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';

export function isPostgresError(error: unknown, code: string): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === code;
}
