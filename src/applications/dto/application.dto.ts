import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { APPLICATION_STATUSES, ApplicationStatus } from '../application.entity';

@ApiSchema({ name: 'ApplicationResponse', description: 'An application that users of the tenant can be assigned to.' })
export class ApplicationResponse {
  @ApiProperty({ type: 'string', format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' })
  id!: string;

  @ApiProperty({ type: 'string', format: 'uuid', example: '7d9f3c2e-1b4a-4c8e-9f0a-2b3c4d5e6f70' })
  tenant_id!: string;

  @ApiProperty({ type: 'string', example: 'Payroll' })
  name!: string;

  @ApiProperty({ type: 'string', nullable: true, example: 'Monthly payslips and tax forms' })
  description!: string | null;

  @ApiProperty({
    type: 'string',
    description: 'Server-generated OAuth client id, globally unique.',
    example: 'app_3q2X9vLr7cJ0bW1sY4nK8dHfZ6tPmE5a',
  })
  client_id!: string;

  @ApiProperty({ enum: APPLICATION_STATUSES, example: 'active' })
  status!: ApplicationStatus;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-01-01T12:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-01-01T12:00:00.000Z' })
  updated_at!: string;
}
