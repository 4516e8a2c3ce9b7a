import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { TENANT_STATUSES, TenantStatus } from '../tenant.entity';

@ApiSchema({
  name: 'TenantResponse',
  description: 'A tenant: an organisation whose users, groups and applications are isolated from every other tenant.',
})
export class TenantResponse {
  @ApiProperty({ type: 'string', format: 'uuid', example: '7d9f3c2e-1b4a-4c8e-9f0a-2b3c4d5e6f70' })
  id!: string;

  @ApiProperty({ type: 'string', example: 'Acme Corporation' })
  name!: string;

  @ApiProperty({ type: 'string', example: 'acme' })
  slug!: string;

  @ApiProperty({ enum: TENANT_STATUSES, example: 'active' })
  status!: TenantStatus;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-01-01T12:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-01-01T12:00:00.000Z' })
  updated_at!: string;
}
