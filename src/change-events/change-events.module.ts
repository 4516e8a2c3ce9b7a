import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module';
import { ChangeEventsController } from './change-events.controller';
import { ChangeEventsRepository } from './change-events.repository';
import { ChangeEventsService } from './change-events.service';
import { EventRelayMetrics } from './event-relay.metrics';
import { EventRelayRepository } from './event-relay.repository';
import { NatsPublisher } from './nats-publisher';

/** The outbox of change events: its list, the relay's side of it (and its lag metrics), and the NATS publisher. */
@Module({
  imports: [TenantsModule],
  controllers: [ChangeEventsController],
  providers: [ChangeEventsService, ChangeEventsRepository, EventRelayRepository, EventRelayMetrics, NatsPublisher],
  exports: [ChangeEventsRepository, EventRelayRepository, NatsPublisher],
})
export class ChangeEventsModule {}
