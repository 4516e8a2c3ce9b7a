import { ApiSchema, PartialType } from '@nestjs/swagger';
import { CreateApplicationDto } from './create-application.dto';

@ApiSchema({ name: 'ApplicationUpdate', description: 'Partial update of an application: only the fields sent change.' })
export class UpdateApplicationDto extends PartialType(CreateApplicationDto, { skipNullProperties: false }) {}
