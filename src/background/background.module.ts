import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ChangeEventsModule } from '../change-events/change-events.module';
import { ChangesModule } from '../changes/changes.module';
import { DeletionsModule } from '../deletions/deletions.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { BackgroundMetrics } from './background.metrics';
import { BackgroundWorker } from './background-worker';
import { EventRelay } from './event-relay';
import { WebhookDispatcher } from './webhook-dispatcher';

/** The service's background work (see BackgroundWorker). Nothing depends on it. */
@Module({
  imports: [AccessModule, ChangesModule, DeletionsModule, IdempotencyModule, ChangeEventsModule, WebhooksModule],
  providers: [BackgroundWorker, BackgroundMetrics, EventRelay, WebhookDispatcher],
  exports: [BackgroundWorker, EventRelay, WebhookDispatcher],
})
export class BackgroundModule {}
