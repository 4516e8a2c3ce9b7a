import { ApiSchema, PartialType } from '@nestjs/swagger';
import { CreateGroupDto } from './create-group.dto';

@ApiSchema({ name: 'GroupUpdate', description: 'Partial update of a group: only the fields sent change.' })
export class UpdateGroupDto extends PartialType(CreateGroupDto, { skipNullProperties: false }) {}
