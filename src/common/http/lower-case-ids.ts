import { Transform } from 'class-transformer';

/**
 * Ids in a body, lower-cased like the ids of a path (PostgreSQL's canonical text), so that
 * what is echoed, audited and compared is one spelling. Anything that is not a string is
 * left for the validator to refuse.
 */
export const LowerCaseIds = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value === 'string') return value.toLowerCase();
    if (Array.isArray(value)) return value.map((item: unknown) => (typeof item === 'string' ? item.toLowerCase() : item));
    return value;
  });
