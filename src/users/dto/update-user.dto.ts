import { ApiSchema, PartialType } from '@nestjs/swagger';
import { CreateUserDto } from './create-user.dto';

@ApiSchema({ name: 'UserUpdate', description: 'Partial update of a user: only the fields sent change.' })
export class UpdateUserDto extends PartialType(CreateUserDto, { skipNullProperties: false }) {}
