import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'GroupResponse', description: 'A group of users within a tenant.' })
export class GroupResponse {
  @ApiProperty({ type: 'string', format: 'uuid', example: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b' })
  id!: string;

  @ApiProperty({ type: 'string', format: 'uuid', example: '7d9f3c2e-1b4a-4c8e-9f0a-2b3c4d5e6f70' })
  tenant_id!: string;

  @ApiProperty({ type: 'string', example: 'Engineering' })
  name!: string;

  @ApiProperty({ type: 'string', nullable: true, example: 'Everyone who ships code' })
  description!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-01-01T12:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-01-01T12:00:00.000Z' })
  updated_at!: string;
}

@ApiSchema({ name: 'GroupMemberResponse', description: 'A user who is a member of a group.' })
export class GroupMemberResponse {
  @ApiProperty({ type: 'string', format: 'uuid', example: '2c4d6e8f-0a1b-4c3d-8e5f-6a7b8c9d0e1f' })
  user_id!: string;

  @ApiProperty({ type: 'string', format: 'uuid', example: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b' })
  group_id!: string;

  @ApiProperty({ type: 'string', format: 'email', example: 'ada@example.com' })
  email!: string;

  @ApiProperty({ type: 'string', example: 'Ada Lovelace' })
  display_name!: string;

  @ApiProperty({ type: 'string', example: 'active' })
  status!: string;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-01-01T12:00:00.000Z' })
  added_at!: string;
}
