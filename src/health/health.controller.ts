import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../common/auth/decorators';
import { Endpoint } from '../common/http/api-docs';
import { ApiResponseEnvelope } from '../common/http/envelopes';

@ApiSchema({ name: 'HealthStatus' })
class HealthStatus {
  @ApiProperty({ type: 'string', example: 'ok' })
  status!: string;
}

const READINESS_TIMEOUT_MS = 2_000;

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
    errors: [503],
  })
  async ready(): Promise<HealthStatus> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), READINESS_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
      return { status: 'ok' };
    } catch {
      throw new ServiceUnavailableException('Database is unavailable');
    } finally {
      clearTimeout(timer);
    }
  }
}
