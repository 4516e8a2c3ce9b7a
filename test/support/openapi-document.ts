type Schema = Record<string, unknown>;

/** A schema written in the reference's notation (`string | null`, `array of ref X`, ...). */
export function describeSchema(schema: Schema): string {
  if (typeof schema.$ref === 'string') return `ref ${schema.$ref.replace('#/components/schemas/', '')}`;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).map(describeSchema).join(' | ');
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) return describeSchema(schema.allOf[0] as Schema);
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  return types
    .map((type) => {
      if (type === 'array') return `array of ${describeSchema(schema.items as Schema)}`;
      if (type === 'string' && typeof schema.format === 'string') return `string (${schema.format})`;
      return type;
    })
    .join(' | ');
}
