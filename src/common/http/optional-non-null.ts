import { ValidateIf } from 'class-validator';

/**
 * The field may be left out, but when sent it must be valid: unlike `@IsOptional()`,
 * an explicit `null` is checked (and refused with a 422 naming the field) instead of
 * slipping past validation into a NOT NULL column. Use `@IsOptional()` only for
 * fields that are nullable in the response model.
 */
export const IsOptionalNonNull = (): PropertyDecorator => ValidateIf((_, value) => value !== undefined);
