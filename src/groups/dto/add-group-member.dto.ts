import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { LowerCaseIds } from '../../common/http/lower-case-ids';
import { UUID_FORMAT } from '../../common/http/uuid';

@ApiSchema({ name: 'GroupMemberCreate', description: 'Request to add a user to a group.' })
export class AddGroupMemberDto {
  @ApiProperty({ type: 'string', format: 'uuid', example: '2c4d6e8f-0a1b-4c3d-8e5f-6a7b8c9d0e1f' })
  @LowerCaseIds()
  @IsUUID(UUID_FORMAT)
  user_id!: string;
}
