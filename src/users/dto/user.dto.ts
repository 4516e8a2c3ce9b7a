import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { USER_STATUSES, UserStatus } from '../user.entity';

@ApiSchema({ name: 'UserResponse', description: 'A user of a tenant.' })
export class UserResponse {
  @ApiProperty({ type: 'string', format: 'uuid', example: '2c4d6e8f-0a1b-4c3d-8e5f-6a7b8c9d0e1f' })
  id!: string;

  @ApiProperty({ type: 'string', format: 'uuid', example: '7d9f3c2e-1b4a-4c8e-9f0a-2b3c4d5e6f70' })
  tenant_id!: string;

  @ApiProperty({ type: 'string', format: 'email', example: 'ada@example.com' })
  email!: string;

  @ApiProperty({ type: 'string', example: 'Ada Lovelace' })
  display_name!: string;

  @ApiProperty({ enum: USER_STATUSES, example: 'active' })
  status!: UserStatus;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-01-01T12:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-01-01T12:00:00.000Z' })
  updated_at!: string;
}
