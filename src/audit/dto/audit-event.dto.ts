import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from '../audit-actions';

@ApiSchema({
  name: 'AuditEventResponse',
  description: 'One successful change: who did what to which resource, when, in which request.',
})
export class AuditEventResponse {
  @ApiProperty({ type: 'string', format: 'uuid', example: '0f1e2d3c-4b5a-4697-8877-665544332211' })
  id!: string;

  @ApiProperty({ type: 'string', format: 'uuid', example: '7d9f3c2e-1b4a-4c8e-9f0a-2b3c4d5e6f70' })
  tenant_id!: string;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-01-01T12:00:00.000Z' })
  occurred_at!: string;

  @ApiProperty({ type: 'string', description: "The token's sub", example: 'alice@idp.example' })
  actor!: string;

  @ApiProperty({ enum: AUDIT_ACTIONS, example: 'assignment.user_assigned' })
  action!: string;

  @ApiProperty({ enum: AUDIT_TARGET_TYPES, example: 'user' })
  target_type!: string;

  @ApiProperty({ type: 'string', format: 'uuid', example: '2c4d6e8f-0a1b-4c3d-8e5f-6a7b8c9d0e1f' })
  target_id!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What changed, e.g. the application of an assignment or the fields of an update',
    example: { application_id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' },
  })
  details!: Record<string, unknown>;

  @ApiProperty({ type: 'string', nullable: true, example: '3f0e8a5c-6f7d-4d43-9a57-2d8d1b9f0c11' })
  request_id!: string | null;
}
