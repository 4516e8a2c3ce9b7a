import { Controller, Get } from '@nestjs/common';
import { ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/decorators';
import { DatabaseErrors } from '../common/database/database.errors';
import { Endpoint } from '../common/http/api-docs';
import { ApiResponseEnvelope } from '../common/http/envelopes';
import { HealthErrors } from './health.errors';
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

@ApiSchema({ name: 'ReplicaHealth', description: 'A streaming replica of the database, as this instance sees it.' })
class ReplicaHealthResponse {
  @ApiProperty({ type: 'string', example: 'replica1', description: 'In the order of DATABASE_REPLICA_URLS.' })
  name!: string;

  @ApiProperty({
    type: 'boolean',
    description: 'Serves reads: it answers, is a standby, and is within DATABASE_REPLICA_MAX_LAG_MS of the primary.',
    example: true,
  })
  serving!: boolean;

  @ApiProperty({
    type: 'number',
    nullable: true,
    description: 'How far behind the primary it is, to within one check interval (null: unknown).',
    example: 0.02,
  })
  lag_seconds!: number | null;
}

@ApiSchema({ name: 'ReadinessStatus' })
class ReadinessStatus extends HealthStatus {
  @ApiProperty({ type: () => EventRelayHealthResponse })
  event_relay!: EventRelayHealthResponse;

  @ApiProperty({ type: () => [ReplicaHealthResponse], description: 'Empty without DATABASE_REPLICA_URLS.' })
  replicas!: ReplicaHealthResponse[];
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
      'The instance is not shutting down and the primary database answers within two seconds. No token needed. ' +
      '`event_relay` shows the change-event relay: its lag and its failures; `replicas` the read replicas ' +
      '(information: they do not make the service unready).',
    status: 200,
    response: ApiResponseEnvelope(ReadinessStatus),
    public: true,
    errors: [DatabaseErrors.unavailable, HealthErrors.draining],
  })
  async ready(): Promise<ReadinessStatus> {
    return { status: 'ok', ...(await this.health.ready()) };
  }
}
