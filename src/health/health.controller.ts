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

@ApiSchema({ name: 'EventRelayHealth', description: 'The change-event relay: its lag and its failures.' })
class EventRelayHealthResponse {
  @ApiProperty({ type: 'number', description: 'Age of the oldest event not relayed yet (0: none pending).', example: 0.2 })
  oldest_pending_seconds!: number;

  @ApiProperty({ type: 'integer', description: 'Events not relayed yet (counted up to 100,000).', example: 0 })
  pending_events!: number;

  @ApiProperty({ type: 'integer', description: 'Webhook deliveries waiting for their turn or their next retry.', example: 0 })
  pending_deliveries!: number;

  @ApiProperty({ type: 'integer', description: 'Webhook deliveries given up (failed) in the last hour.', example: 0 })
  failed_deliveries_last_hour!: number;

  @ApiProperty({ type: 'integer', description: 'Webhook subscriptions paused (by the API or for failing).', example: 0 })
  paused_subscriptions!: number;
}

@ApiSchema({ name: 'ReadinessStatus' })
class ReadinessStatus extends HealthStatus {
  @ApiProperty({ type: () => EventRelayHealthResponse })
  event_relay!: EventRelayHealthResponse;
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
    description:
      'The database answers within two seconds. No token needed. `event_relay` shows the change-event relay: its lag ' +
      'and its failures (information: they do not make the service unready).',
    status: 200,
    response: ApiResponseEnvelope(ReadinessStatus),
    public: true,
    errors: [DatabaseErrors.unavailable],
  })
  async ready(): Promise<ReadinessStatus> {
    return { status: 'ok', event_relay: await this.health.ready() };
  }
}
