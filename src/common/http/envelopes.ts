import { Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptions, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { DICT_EXAMPLES } from './examples';
import { MetaResponse, PaginationMeta } from './meta.dto';

/**
 * Envelope schema classes, named the way the original backend named its generic
 * models (`ApiResponse_X_`, `ApiResponse_list_X__`, `PaginatedResponse_X_`). Each call
 * with the same model returns the same class, so the OpenAPI document has one schema.
 */
const envelopes = new Map<string, Type<unknown>>();

/** A model given by class, or the reference's untyped `dict`. */
export type EnvelopeModel = Type<unknown> | 'dict';

function modelName(model: EnvelopeModel): string {
  return model === 'dict' ? 'dict' : schemaNameOf(model);
}

function schemaNameOf(model: Type<unknown>): string {
  const metadata = Reflect.getMetadata('swagger/apiSchema', model) as { name?: string } | undefined;
  return metadata?.name ?? model.name;
}

// A `dict` says nothing about its fields, so it carries an example of them. Properties
// that point at a model get their example from the model (src/openapi.ts).

function itemProperty(model: EnvelopeModel): ApiPropertyOptions {
  return model === 'dict' ? { type: 'object', additionalProperties: true, example: DICT_EXAMPLES.single } : { type: model };
}

function listProperty(model: EnvelopeModel, dictExample: object): ApiPropertyOptions {
  return model === 'dict'
    ? { type: 'array', items: { type: 'object', additionalProperties: true }, example: [dictExample] }
    : { type: [model] };
}

function memoized(name: string, build: () => Type<unknown>): Type<unknown> {
  let envelope = envelopes.get(name);
  if (!envelope) {
    envelope = build();
    Object.defineProperty(envelope, 'name', { value: name });
    envelopes.set(name, envelope);
  }
  return envelope;
}

export function ApiResponseEnvelope(model: EnvelopeModel): Type<unknown> {
  const name = `ApiResponse_${modelName(model)}_`;
  return memoized(name, () => {
    @ApiSchema({ name })
    class Envelope {
      @ApiProperty(itemProperty(model))
      data!: unknown;

      @ApiProperty({ type: () => MetaResponse, required: false })
      meta?: MetaResponse;
    }
    return Envelope;
  });
}

export function ApiListResponseEnvelope(model: EnvelopeModel): Type<unknown> {
  const name = `ApiResponse_list_${modelName(model)}__`;
  return memoized(name, () => {
    @ApiSchema({ name })
    class Envelope {
      @ApiProperty(listProperty(model, DICT_EXAMPLES.single))
      data!: unknown[];

      @ApiProperty({ type: () => MetaResponse, required: false })
      meta?: MetaResponse;
    }
    return Envelope;
  });
}

/**
 * A plain list whose items are one of several models (`ApiResponse_list_<name>__`, items
 * `oneOf` the models): a batch whose every answer is a result or an error.
 */
export function ApiListResponseEnvelopeOf(name: string, models: Array<Type<unknown>>): Type<unknown> {
  const envelopeName = `ApiResponse_list_${name}__`;
  return memoized(envelopeName, () => {
    @ApiSchema({ name: envelopeName })
    @ApiExtraModels(...models)
    class Envelope {
      @ApiProperty({
        type: 'array',
        items: { oneOf: models.map((model) => ({ $ref: getSchemaPath(model) })) },
        description: `Each item one of: ${models.map(schemaNameOf).join(', ')}.`,
      })
      data!: unknown[];

      @ApiProperty({ type: () => MetaResponse, required: false })
      meta?: MetaResponse;
    }
    return Envelope;
  });
}

export function PaginatedResponseEnvelope(model: EnvelopeModel): Type<unknown> {
  const name = `PaginatedResponse_${modelName(model)}_`;
  return memoized(name, () => {
    @ApiSchema({ name })
    class Envelope {
      @ApiProperty(listProperty(model, DICT_EXAMPLES.item))
      data!: unknown[];

      @ApiProperty({ type: () => PaginationMeta, required: true })
      pagination!: PaginationMeta;

      @ApiProperty({ type: () => MetaResponse, required: false })
      meta?: MetaResponse;
    }
    return Envelope;
  });
}
