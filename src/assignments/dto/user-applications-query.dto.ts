import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';
import { parseBooleanText } from '../../common/boolean-text';

export class UserApplicationsQueryDto {
  @ApiPropertyOptional({ type: 'boolean', default: true, description: 'Include apps assigned via groups' })
  @Transform(({ value }) => parseBooleanText(value))
  @IsBoolean()
  include_group_assignments = true;
}
