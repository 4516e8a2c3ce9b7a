import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';

const TRUE_VALUES = new Set(['true', '1', 'yes', 'on']);
const FALSE_VALUES = new Set(['false', '0', 'no', 'off']);

/** Query strings are text: accept the spellings the original backend accepted, reject the rest. */
function parseBoolean({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (TRUE_VALUES.has(normalized)) return true;
  if (FALSE_VALUES.has(normalized)) return false;
  return value;
}

export class UserApplicationsQueryDto {
  @ApiPropertyOptional({ type: 'boolean', default: true, description: 'Include apps assigned via groups' })
  @Transform(parseBoolean)
  @IsBoolean()
  include_group_assignments = true;
}
