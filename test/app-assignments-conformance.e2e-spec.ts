import type { OpenAPIObject } from '@nestjs/swagger';
import { emitOpenApiDocument } from '../src/openapi-offline';
import { REFERENCE_OPERATIONS, REFERENCE_SCHEMAS, REFERENCE_TAG } from './fixtures/app-assignments-reference';
import { describeSchema } from './support/openapi-document';

// The OpenAPI document walked as plain JSON, like a response body: schemas and references
// are read field by field, and the assertions check what is there.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Json = Record<string, any>;

/** The emitted document against the published reference, operation by operation and field by field. */
describe('OpenAPI conformance with the App Assignments reference', () => {
  let document: OpenAPIObject;

  beforeAll(async () => {
    document = await emitOpenApiDocument();
  });

  const operation = (path: string, method: string): Json => {
    const found = (document.paths[path] as Json | undefined)?.[method];
    if (!found) throw new Error(`${method.toUpperCase()} ${path} is missing from the document`);
    return found;
  };

  const refName = (content: Json | undefined): string | undefined =>
    content?.['application/json']?.schema?.$ref?.replace('#/components/schemas/', '');

  it('has exactly the nine reference operations under the App Assignments tag', () => {
    const tagged = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Json)
        .filter(([, op]) => (op as Json).tags?.includes(REFERENCE_TAG))
        .map(([method]) => `${method} ${path}`),
    );
    expect(tagged.sort()).toEqual(REFERENCE_OPERATIONS.map((op) => `${op.method} ${op.path}`).sort());
  });

  describe.each(REFERENCE_OPERATIONS.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    '%s',
    (_, reference) => {
      it('has the summary, operation id, description and tag', () => {
        const op = operation(reference.path, reference.method);
        expect(op.summary).toBe(reference.summary);
        expect(op.operationId).toBe(reference.operationId);
        expect(op.description).toBe(reference.description);
        expect(op.tags).toEqual([REFERENCE_TAG]);
      });

      it('has the parameters: name, location, required, type, description', () => {
        const op = operation(reference.path, reference.method);
        const actual = (op.parameters as Json[]).map((parameter) => ({
          name: parameter.name,
          in: parameter.in,
          required: parameter.required,
          type: describeSchema(parameter.schema),
          ...(parameter.description ? { description: parameter.description } : {}),
        }));
        expect(actual).toEqual(reference.parameters);
      });

      it('has the request body', () => {
        const op = operation(reference.path, reference.method);
        if (reference.requestBody) {
          expect(op.requestBody?.required).toBe(true);
          expect(refName(op.requestBody?.content)).toBe(reference.requestBody);
        } else {
          expect(op.requestBody).toBeUndefined();
        }
      });

      it('has the success response and the 422 validation error', () => {
        const responses = operation(reference.path, reference.method).responses as Json;
        expect(responses[reference.success.status]).toBeDefined();
        expect(responses[reference.success.status].description).toBe('Successful Response');
        expect(refName(responses[reference.success.status].content)).toBe(reference.success.schema);
        expect(responses['422'].description).toBe('Validation Error');
        expect(refName(responses['422'].content)).toBe('HTTPValidationError');
        const successStatuses = Object.keys(responses).filter((status) => status.startsWith('2'));
        expect(successStatuses).toEqual([reference.success.status]);
      });

      it("documents the contract's error statuses (401, 403, 404, and 409 for single assigns)", () => {
        const responses = operation(reference.path, reference.method).responses as Json;
        const expected = ['401', '403', '404', '422'];
        if (reference.method === 'post' && !reference.path.endsWith('/bulk')) expected.push('409');
        expect(
          Object.keys(responses)
            .filter((status) => !status.startsWith('2'))
            .sort(),
        ).toEqual(expected.sort());
        for (const status of ['401', '403', '404']) expect(refName(responses[status].content)).toBe('ErrorResponse');
      });

      it('requires the bearer token', () => {
        expect(operation(reference.path, reference.method).security).toEqual([{ bearer: [] }]);
      });
    },
  );

  describe.each(Object.entries(REFERENCE_SCHEMAS))('schema %s', (name, reference) => {
    const schema = (): Json => {
      const found = document.components?.schemas?.[name];
      if (!found) throw new Error(`schema ${name} is missing from the document`);
      return found;
    };

    it('is an object with the description of the reference', () => {
      expect(schema().type).toBe('object');
      expect(schema().description).toBe(reference.description);
    });

    it('has exactly the fields of the reference, with no extras', () => {
      expect(Object.keys(schema().properties).sort()).toEqual(Object.keys(reference.fields).sort());
    });

    it('has the required flags of the reference', () => {
      const required = Object.entries(reference.fields)
        .filter(([, field]) => field.required)
        .map(([field]) => field)
        .sort();
      expect([...(schema().required ?? [])].sort()).toEqual(required);
    });

    it.each(Object.entries(reference.fields))(
      'field %s has the type, format, nullability and (empty) description',
      (field, expected) => {
        const property = schema().properties[field] as Json;
        expect(describeSchema(property)).toBe(expected.type);
        expect(property.description).toBeUndefined();
      },
    );
  });
});
