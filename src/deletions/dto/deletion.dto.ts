import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { DELETION_RESOURCE_TYPES, DELETION_STATUSES, type DeletionResourceType, type DeletionStatus } from '../deletion.entity';

@ApiSchema({
  name: 'DeletionResponse',
  description:
    'A deletion carried out in the background: the resource is gone for every read from the moment it was accepted; its rows are removed in batches.',
})
export class DeletionResponse {
  @ApiProperty({ type: 'string', format: 'uuid', example: '6f1d2c3b-4a59-4e8d-9c7b-1a2b3c4d5e6f' })
  id!: string;

  @ApiProperty({ type: 'string', format: 'uuid', example: '7d9f3c2e-1b4a-4c8e-9f0a-2b3c4d5e6f70' })
  tenant_id!: string;

  @ApiProperty({ enum: DELETION_RESOURCE_TYPES, example: 'group' })
  resource_type!: DeletionResourceType;

  @ApiProperty({ type: 'string', format: 'uuid', example: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b' })
  resource_id!: string;

  @ApiProperty({ enum: DELETION_STATUSES, example: 'running', description: '`accepted`, then `running`, then `completed`.' })
  status!: DeletionStatus;

  @ApiProperty({
    type: 'integer',
    example: 120000,
    description: 'Rows removed so far (memberships, assignments, index rows, ...).',
  })
  rows_deleted!: number;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-01-01T12:00:00.000Z' })
  requested_at!: string;

  @ApiPropertyOptional({ type: 'string', format: 'date-time', nullable: true, example: null })
  completed_at!: string | null;
}
