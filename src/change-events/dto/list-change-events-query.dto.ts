import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination-query.dto';
import { CHANGE_EVENT_TYPES } from '../change-event-types';

export class ListChangeEventsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: CHANGE_EVENT_TYPES, description: 'Only events of this type', example: 'assignment.user_assigned' })
  @IsOptional()
  @IsIn(CHANGE_EVENT_TYPES, { message: 'type must be one of the documented change event types' })
  type?: string;
}
