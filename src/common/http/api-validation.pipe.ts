import { ArgumentMetadata, Injectable, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { findRawInputIssue, MAX_OBJECT_FIELDS } from './raw-input';
import { RequestValidationException } from './validation.exception';
import { toValidationIssues } from './validation-issues';

const MAX_REMEMBERED_QUERIES = 1_000;

const LOCATIONS: Record<ArgumentMetadata['type'], string> = {
  body: 'body',
  query: 'query',
  param: 'path',
  custom: 'body',
};

class RawValidationErrors extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}

/**
 * The global validation pipe. It answers 422 in the reference's HTTPValidationError
 * shape, with `loc` starting at the part of the request that failed; the stock pipe
 * cannot tell body, query and path apart inside its exceptionFactory.
 */
@Injectable()
export class ApiValidationPipe extends ValidationPipe {
  /**
   * Unknown query parameters are dropped, not refused: gateways and caches add their own
   * (cache busters, tracing), and the original backend ignored them. Unknown body fields
   * are refused.
   */
  private readonly queryPipe = new ValidationPipe(ApiValidationPipe.options(false));

  private readonly validQueries = new Map<NonNullable<ArgumentMetadata['metatype']>, Map<string, object>>();

  constructor() {
    super(ApiValidationPipe.options(true));
  }

  private static options(forbidUnknownFields: boolean): ValidationPipeOptions {
    return {
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: forbidUnknownFields,
      forbidUnknownValues: true,
      validationError: { target: false, value: true },
      exceptionFactory: (errors) => new RawValidationErrors(errors),
    };
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const location = LOCATIONS[metadata.type];
    if (metadata.type === 'body' && metadata.metatype && this.isDto(metadata)) {
      if (value === undefined || value === null || value === '') {
        throw RequestValidationException.single([location], 'Field required', 'missing');
      }
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw RequestValidationException.single(
          [location],
          'Input should be a valid dictionary or object to extract fields from',
          'model_attributes_type',
        );
      }
    }
    if ((metadata.type === 'body' || metadata.type === 'query') && typeof value === 'object' && value !== null) {
      // Unknown query parameters are dropped, so only bodies have their fields counted.
      const issue = findRawInputIssue(value, location, metadata.type === 'body' ? MAX_OBJECT_FIELDS : Infinity);
      if (issue) throw new RequestValidationException([issue]);
    }
    try {
      if (metadata.type === 'query') return await this.validQuery(value, metadata);
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof RawValidationErrors) {
        throw new RequestValidationException(toValidationIssues(error.errors, location));
      }
      throw error;
    }
  }

  /**
   * A query string that passed before gives the same DTO again: reads repeat theirs
   * (`?page=2&per_page=50`, or none), and class-transformer plus class-validator cost more
   * than the rest of such a request's handling. A copy is handed out, never the remembered
   * DTO; only successes are remembered, a bounded number per DTO class.
   */
  private async validQuery(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dtoClass = metadata.metatype;
    if (!dtoClass || !this.isDto(metadata) || typeof value !== 'object' || value === null) {
      return this.queryPipe.transform(value, metadata);
    }
    let known = this.validQueries.get(dtoClass);
    if (!known) this.validQueries.set(dtoClass, (known = new Map<string, object>()));
    const key = JSON.stringify(value);
    const remembered = known.get(key);
    if (remembered) return Object.assign(Object.create(Object.getPrototypeOf(remembered) as object) as object, remembered);
    const dto = (await this.queryPipe.transform(value, metadata)) as object;
    if (known.size >= MAX_REMEMBERED_QUERIES) known.clear();
    known.set(key, Object.freeze(Object.assign(Object.create(Object.getPrototypeOf(dto) as object) as object, dto)));
    return dto;
  }

  private isDto(metadata: ArgumentMetadata): boolean {
    return this.toValidate(metadata);
  }
}
