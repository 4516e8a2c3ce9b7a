import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { isUuid } from './uuid';
import { RequestValidationException } from './validation.exception';

/** Path ids must be UUIDs; anything else is a 422 naming the parameter, before any query runs. */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (isUuid(value)) return value.toLowerCase();
    throw RequestValidationException.single(['path', metadata.data ?? 'id'], 'Input should be a valid UUID', 'uuid_parsing');
  }
}
