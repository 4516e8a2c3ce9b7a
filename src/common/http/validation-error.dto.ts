import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'ValidationError' })
export class ValidationErrorItem {
  @ApiProperty({
    type: 'array',
    items: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
    example: ['body', 'application_id'],
  })
  loc!: Array<string | number>;

  @ApiProperty({ type: 'string', example: 'Input should be a valid UUID' })
  msg!: string;

  @ApiProperty({ type: 'string', example: 'uuid_parsing' })
  type!: string;
}

@ApiSchema({ name: 'HTTPValidationError' })
export class HTTPValidationError {
  @ApiProperty({ type: () => [ValidationErrorItem], required: false })
  detail?: ValidationErrorItem[];
}

@ApiSchema({ name: 'ErrorResponse', description: 'Every error other than validation.' })
export class ErrorResponse {
  @ApiProperty({ type: 'string', example: 'Application not found' })
  detail!: string;
}
