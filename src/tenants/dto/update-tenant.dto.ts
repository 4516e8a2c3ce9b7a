import { ApiSchema, PartialType } from '@nestjs/swagger';
import { CreateTenantDto } from './create-tenant.dto';

@ApiSchema({ name: 'TenantUpdate', description: 'Partial update of a tenant: only the fields sent change.' })
export class UpdateTenantDto extends PartialType(CreateTenantDto, { skipNullProperties: false }) {}
