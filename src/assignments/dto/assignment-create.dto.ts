import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';
import { LowerCaseIds } from '../../common/http/lower-case-ids';
import { UUID_FORMAT } from '../../common/http/uuid';

export const MAX_BULK_APPLICATIONS = 500;

@ApiSchema({ name: 'AssignmentCreate', description: 'Request to create an assignment.' })
export class AssignmentCreate {
  @ApiProperty({ type: 'string', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  @LowerCaseIds()
  @IsUUID(UUID_FORMAT)
  application_id!: string;
}

@ApiSchema({ name: 'BulkAssignmentCreate', description: 'Request to create multiple assignments.' })
export class BulkAssignmentCreate {
  @ApiProperty({
    type: 'array',
    items: { type: 'string' },
    example: ['9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_APPLICATIONS)
  @LowerCaseIds()
  @IsUUID(UUID_FORMAT, { each: true })
  application_ids!: string[];
}
