import type { ErrorLocation, ValidationIssue } from './validation.exception';

/** Deeper than any request DTO goes; class-transformer recurses per level and would overflow the stack. */
export const MAX_INPUT_DEPTH = 32;

/** Far more fields than any request DTO has; class-transformer's time grows faster than linearly with them. */
export const MAX_OBJECT_FIELDS = 100;

/**
 * Checks raw input (a parsed JSON body, a query object) before class-transformer and
 * class-validator see it, and returns the first problem they cannot report themselves:
 * - nesting deeper than MAX_INPUT_DEPTH (a body like `{"name": [[[[...]]]]}` 2 000 levels
 *   deep overflows class-transformer's recursion: a 500 instead of a 422);
 * - with `maxFields`, an object with more fields than that (50 000 unknown fields, 700 KB
 *   of JSON, kept class-transformer busy for seconds, blocking every other request);
 * - a string PostgreSQL cannot store or a validator cannot read: a NUL character (the
 *   database refuses it, and the 422 it leads to could not name the field) or an unpaired
 *   UTF-16 surrogate (JSON `"\ud800"`: validator's isEmail throws on it, and the driver
 *   silently stores U+FFFD instead).
 * Iterative, so the check itself cannot overflow.
 */
export function findRawInputIssue(value: unknown, root: string, maxFields = Infinity): ValidationIssue | undefined {
  const stack: Array<{ value: unknown; loc: ErrorLocation; depth: number }> = [{ value, loc: [root], depth: 0 }];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (typeof current.value === 'string') {
      if (!isStorableString(current.value)) {
        return {
          loc: current.loc,
          msg: 'Input should be a valid string: NUL characters and unpaired surrogates are not allowed',
          type: 'string_unicode',
        };
      }
      continue;
    }
    if (current.value === null || typeof current.value !== 'object') continue;
    if (current.depth >= MAX_INPUT_DEPTH) {
      return {
        loc: current.loc.slice(0, 2),
        msg: `Input should be nested at most ${MAX_INPUT_DEPTH} levels deep`,
        type: 'value_error',
      };
    }
    const entries = Array.isArray(current.value)
      ? current.value.map((item, index) => [index, item] as const)
      : Object.entries(current.value as Record<string, unknown>);
    if (!Array.isArray(current.value) && entries.length > maxFields) {
      return { loc: current.loc, msg: `Input should have at most ${maxFields} fields`, type: 'too_long' };
    }
    // Reversed, so that the first offending field is the one reported.
    for (let index = entries.length - 1; index >= 0; index -= 1) {
      const [key, item] = entries[index];
      stack.push({ value: item, loc: [...current.loc, key], depth: current.depth + 1 });
    }
  }
  return undefined;
}

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function isStorableString(value: string): boolean {
  return !value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value);
}
