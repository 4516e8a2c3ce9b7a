import { Module } from '@nestjs/common';
import { ChangeEventsModule } from '../change-events/change-events.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { HealthController } from './health.controller';
import { HealthRepository } from './health.repository';
import { HealthService } from './health.service';
import { Readiness } from './readiness';

@Module({
  imports: [ChangeEventsModule, WebhooksModule],
  controllers: [HealthController],
  providers: [HealthService, HealthRepository, Readiness],
  exports: [Readiness],
})
export class HealthModule {}
