import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination-query.dto';
import { UUID_FORMAT } from '../../common/http/uuid';
import type { AuditFilter } from '../audit.repository';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from '../audit-actions';

export class ListAuditEventsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: AUDIT_ACTIONS, description: 'Only events of this action', example: 'assignment.user_assigned' })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS, { message: 'action must be one of the documented audit actions' })
  action?: string;

  @ApiPropertyOptional({ enum: AUDIT_TARGET_TYPES, description: 'Only events about this kind of resource', example: 'user' })
  @IsOptional()
  @IsIn(AUDIT_TARGET_TYPES, { message: `target_type must be one of: ${AUDIT_TARGET_TYPES.join(', ')}` })
  target_type?: string;

  @ApiPropertyOptional({
    type: 'string',
    format: 'uuid',
    description: 'Only events about this resource',
    example: '2c4d6e8f-0a1b-4c3d-8e5f-6a7b8c9d0e1f',
  })
  @IsOptional()
  @IsUUID(UUID_FORMAT)
  target_id?: string;

  toFilter(): AuditFilter {
    return { action: this.action, targetType: this.target_type, targetId: this.target_id };
  }
}
