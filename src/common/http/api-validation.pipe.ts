import { ArgumentMetadata, Injectable, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { findRawInputIssue, MAX_OBJECT_FIELDS } from './raw-input';
import { RequestValidationException } from './validation.exception';
import { toValidationIssues } from './validation-issues';

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
      return metadata.type === 'query' ? await this.queryPipe.transform(value, metadata) : await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof RawValidationErrors) {
        throw new RequestValidationException(toValidationIssues(error.errors, location));
      }
      throw error;
    }
  }

  private isDto(metadata: ArgumentMetadata): boolean {
    return this.toValidate(metadata);
  }
}
