import { registerDecorator, ValidationArguments } from 'class-validator';

const given = (value: unknown) => value !== undefined;

/**
 * On the first of two alternative fields: fails when neither is given, with a message that
 * names both (the 422's `loc` is this field; see validation-issues.ts, `requiredWithout`).
 */
export function RequiredWithout(other: string): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'requiredWithout',
      target: target.constructor,
      propertyName: String(property),
      constraints: [other],
      options: { message: `Field required: give ${String(property)} or ${other}` },
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          given(value) || given((args.object as Record<string, unknown>)[other]),
      },
    });
}

/** On the second of two alternative fields: fails when both are given. */
export function NotWith(other: string): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'notWith',
      target: target.constructor,
      propertyName: String(property),
      constraints: [other],
      options: { message: `Give either ${other} or ${String(property)}, not both` },
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          !given(value) || !given((args.object as Record<string, unknown>)[other]),
      },
    });
}
