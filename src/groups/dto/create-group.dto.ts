import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

@ApiSchema({ name: 'GroupCreate', description: 'Request to create a group.' })
export class CreateGroupDto {
  @ApiProperty({ type: 'string', minLength: 1, maxLength: 200, example: 'Engineering', description: 'Unique within the tenant.' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ type: 'string', maxLength: 1000, nullable: true, example: 'Everyone who ships code' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string | null;
}
