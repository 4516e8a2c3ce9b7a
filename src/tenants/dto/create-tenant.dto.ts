import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsOptionalNonNull } from '../../common/http/optional-non-null';
import { TENANT_STATUSES, TenantStatus } from '../tenant.entity';

export const TENANT_SLUG_PATTERN = /^[a-z0-9-]{2,63}$/;

@ApiSchema({ name: 'TenantCreate', description: 'Request to create a tenant.' })
export class CreateTenantDto {
  @ApiProperty({ type: 'string', minLength: 1, maxLength: 200, example: 'Acme Corporation' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ type: 'string', pattern: TENANT_SLUG_PATTERN.source, example: 'acme' })
  @IsString()
  @Matches(TENANT_SLUG_PATTERN, { message: 'slug must be 2 to 63 lower-case letters, digits or hyphens' })
  slug!: string;

  @ApiPropertyOptional({ enum: TENANT_STATUSES, default: 'active', example: 'active' })
  @IsOptionalNonNull()
  @IsIn(TENANT_STATUSES, { message: `status must be one of: ${TENANT_STATUSES.join(', ')}` })
  status?: TenantStatus;
}
