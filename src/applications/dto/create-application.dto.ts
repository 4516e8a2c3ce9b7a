import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsOptionalNonNull } from '../../common/http/optional-non-null';
import { APPLICATION_STATUSES, ApplicationStatus } from '../application.entity';

@ApiSchema({ name: 'ApplicationCreate', description: 'Request to create an application; its client_id is generated.' })
export class CreateApplicationDto {
  @ApiProperty({ type: 'string', minLength: 1, maxLength: 200, example: 'Payroll' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ type: 'string', maxLength: 1000, nullable: true, example: 'Monthly payslips and tax forms' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string | null;

  @ApiPropertyOptional({ enum: APPLICATION_STATUSES, default: 'active', example: 'active' })
  @IsOptionalNonNull()
  @IsIn(APPLICATION_STATUSES, { message: `status must be one of: ${APPLICATION_STATUSES.join(', ')}` })
  status?: ApplicationStatus;
}
