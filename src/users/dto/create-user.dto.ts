import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { IsOptionalNonNull } from '../../common/http/optional-non-null';
import { USER_STATUSES, UserStatus } from '../user.entity';

@ApiSchema({ name: 'UserCreate', description: 'Request to create a user.' })
export class CreateUserDto {
  @ApiProperty({
    type: 'string',
    format: 'email',
    maxLength: 320,
    example: 'ada@example.com',
    description: 'Unique within the tenant, case-insensitively.',
  })
  @IsString()
  @MaxLength(320)
  @IsEmail({}, { message: 'email must be a valid email address' })
  email!: string;

  @ApiProperty({ type: 'string', minLength: 1, maxLength: 200, example: 'Ada Lovelace' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  display_name!: string;

  @ApiPropertyOptional({ enum: USER_STATUSES, default: 'active', example: 'active' })
  @IsOptionalNonNull()
  @IsIn(USER_STATUSES, { message: `status must be one of: ${USER_STATUSES.join(', ')}` })
  status?: UserStatus;
}
