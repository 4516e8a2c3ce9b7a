import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsObject,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { EXAMPLE_IDS } from '../../common/http/examples';
import { LowerCaseIds } from '../../common/http/lower-case-ids';
import { UUID_FORMAT } from '../../common/http/uuid';
import { NotWith, RequiredWithout } from './one-of';

export const MAX_ACCESS_CHECKS = 100;

/**
 * One question: may this user use this application? The application is named by its id or
 * by its OAuth `client_id` (what a gateway knows), exactly one of them. The query of the
 * single check and each item of a batch.
 */
@ApiSchema({
  name: 'AccessCheckRequest',
  description: 'A user and an application of the tenant; the application by `application_id` or by `client_id`, exactly one.',
})
export class AccessCheckRequest {
  @ApiProperty({
    type: 'string',
    format: 'uuid',
    example: EXAMPLE_IDS.user_id,
    description: 'The user (the token subject a gateway sees, mapped to a user id).',
  })
  @LowerCaseIds()
  @IsUUID(UUID_FORMAT)
  user_id!: string;

  @ApiPropertyOptional({
    type: 'string',
    format: 'uuid',
    example: EXAMPLE_IDS.application_id,
    description: 'The application by id. Give this or `client_id`, not both.',
  })
  @ValidateIf((request: AccessCheckRequest) => request.application_id !== undefined || request.client_id === undefined)
  @LowerCaseIds()
  @IsUUID(UUID_FORMAT)
  @RequiredWithout('client_id')
  application_id?: string;

  @ApiPropertyOptional({
    type: 'string',
    minLength: 1,
    maxLength: 64,
    description: 'The application by its OAuth client id (`app_...`, case-sensitive). Give this or `application_id`, not both.',
  })
  @ValidateIf((request: AccessCheckRequest) => request.client_id !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @NotWith('application_id')
  client_id?: string;
}

@ApiSchema({ name: 'AccessCheckBatchRequest', description: `1 to ${MAX_ACCESS_CHECKS} access checks, answered in order.` })
export class AccessCheckBatchRequest {
  @ApiProperty({
    type: () => [AccessCheckRequest],
    minItems: 1,
    maxItems: MAX_ACCESS_CHECKS,
    example: [
      { user_id: EXAMPLE_IDS.user_id, application_id: EXAMPLE_IDS.application_id },
      { user_id: EXAMPLE_IDS.user_id, client_id: 'app_3q2X9vLr7cJ0bW1sY4nK8dHfZ6tPmE5a' },
    ],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ACCESS_CHECKS)
  // Every item an object: ValidateNested alone lets `[]` through as an item with nothing to check.
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => AccessCheckRequest)
  checks!: AccessCheckRequest[];
}
