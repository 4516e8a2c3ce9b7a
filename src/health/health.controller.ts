import { Controller, Get } from '@nestjs/common';
import { ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/decorators';
import { DatabaseErrors } from '../common/database/database.errors';
import { Endpoint } from '../common/http/api-docs';
import { ApiResponseEnvelope } from '../common/http/envelopes';
import { HealthService } from './health.service';

@ApiSchema({ name: 'HealthStatus' })
class HealthStatus {
  @ApiProperty({ type: 'string', example: 'ok' })
  status!: string;
}

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @Public()
  @Endpoint({
    summary: 'Liveness',
    description: 'The process is up. No token needed.',
    status: 200,
    response: ApiResponseEnvelope(HealthStatus),
    public: true,
  })
  live(): HealthStatus {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @Endpoint({
    summary: 'Readiness',
    description: 'The database answers within two seconds. No token needed.',
    status: 200,
    response: ApiResponseEnvelope(HealthStatus),
    public: true,
    errors: [DatabaseErrors.unavailable],
  })
  async ready(): Promise<HealthStatus> {
    await this.health.assertReady();
    return { status: 'ok' };
  }
}
