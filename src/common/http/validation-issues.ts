import { isString, ValidationError } from 'class-validator';
import { isUuid } from './uuid';
import type { ErrorLocation, ValidationIssue } from './validation.exception';

interface IssueKind {
  type: string;
  msg: (constraintMessage: string, context: ConstraintContext) => string;
  /** For `each: true` checks: which element of an array fails. */
  element?: (value: unknown) => boolean;
}

interface ConstraintContext {
  bound?: string;
}

// class-validator constraint names mapped onto the error types the existing
// clients already know (pydantic's vocabulary, as the original backend emitted).
const KINDS: Record<string, IssueKind> = {
  whitelistValidation: { type: 'extra_forbidden', msg: () => 'Extra inputs are not permitted' },
  isString: { type: 'string_type', msg: () => 'Input should be a valid string', element: isString },
  isUuid: {
    type: 'uuid_parsing',
    msg: () => 'Input should be a valid UUID',
    element: isUuid,
  },
  isInt: { type: 'int_parsing', msg: () => 'Input should be a valid integer' },
  isBoolean: { type: 'bool_parsing', msg: () => 'Input should be a valid boolean' },
  isArray: { type: 'list_type', msg: () => 'Input should be a valid list' },
  isIn: { type: 'enum', msg: (message) => message },
  isEnum: { type: 'enum', msg: (message) => message },
  min: { type: 'greater_than_equal', msg: (_, c) => `Input should be greater than or equal to ${c.bound}` },
  max: { type: 'less_than_equal', msg: (_, c) => `Input should be less than or equal to ${c.bound}` },
  minLength: { type: 'string_too_short', msg: (_, c) => `String should have at least ${c.bound} characters` },
  maxLength: { type: 'string_too_long', msg: (_, c) => `String should have at most ${c.bound} characters` },
  isNotEmpty: { type: 'string_too_short', msg: () => 'String should have at least 1 character' },
  arrayMinSize: { type: 'too_short', msg: (_, c) => `List should have at least ${c.bound} items` },
  arrayMaxSize: { type: 'too_long', msg: (_, c) => `List should have at most ${c.bound} items` },
  isEmail: { type: 'value_error', msg: () => 'value is not a valid email address' },
  matches: { type: 'string_pattern_mismatch', msg: (message) => message },
  isObject: {
    type: 'model_type',
    msg: () => 'Input should be a valid dictionary or object to extract fields from',
    element: (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  },
  nestedValidation: { type: 'model_type', msg: () => 'Input should be a valid dictionary or object to extract fields from' },
  notWith: { type: 'value_error', msg: (message) => message },
};

const MISSING: ValidationIssue['type'] = 'missing';

/** Flattens class-validator errors into `{loc, msg, type}` issues under `root` (body, query, path). */
export function toValidationIssues(errors: ValidationError[], root: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const error of errors) collect(error, [root], issues);
  return issues;
}

function collect(error: ValidationError, parent: ErrorLocation, issues: ValidationIssue[]): void {
  const loc = [...parent, isIndex(error.property) ? Number(error.property) : error.property];
  const constraints = error.constraints ?? {};
  const names = Object.keys(constraints);
  if (names.length > 0) {
    if (error.value === undefined && !names.includes('whitelistValidation')) {
      // One of two alternative fields (application_id or client_id): the message names both.
      issues.push({ loc, msg: constraints.requiredWithout ?? 'Field required', type: MISSING });
    } else if (error.value === null && !names.includes('whitelistValidation')) {
      issues.push({ loc, msg: 'Input should not be null', type: 'none_forbidden' });
    } else {
      const name = mostBasic(names);
      issues.push(...describe(name, constraints[name], error, loc));
    }
  }
  for (const child of error.children ?? []) collect(child, loc, issues);
}

// One issue per field, like the original backend: the type problem before the range problem.
const PRECEDENCE = ['whitelistValidation', 'isArray', 'isString', 'isInt', 'isBoolean', 'isUuid', 'isObject'];

function mostBasic(names: string[]): string {
  return PRECEDENCE.find((name) => names.includes(name)) ?? names[0];
}

function describe(name: string, message: string, error: ValidationError, loc: ErrorLocation): ValidationIssue[] {
  const kind = KINDS[name];
  if (!kind) return [{ loc, msg: message, type: 'value_error' }];
  const msg = kind.msg(message, { bound: boundOf(message) });
  if (kind.element && Array.isArray(error.value)) {
    const failing = error.value.flatMap((item, index) => (kind.element!(item) ? [] : [index]));
    if (failing.length > 0) return failing.map((index) => ({ loc: [...loc, index], msg, type: kind.type }));
  }
  return [{ loc, msg, type: kind.type }];
}

// class-validator exposes a constraint's argument only in its default message
// ("per_page must not be greater than 100").
function boundOf(message: string): string | undefined {
  return /(-?\d+(?:\.\d+)?)(?!.*\d)/.exec(message)?.[1];
}

function isIndex(property: string): boolean {
  return /^\d+$/.test(property);
}
