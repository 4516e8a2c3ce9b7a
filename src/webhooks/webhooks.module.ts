import { Module } from '@nestjs/common';
import { ChangesModule } from '../changes/changes.module';
import { TenantsModule } from '../tenants/tenants.module';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookSubscriptionsRepository } from './webhook-subscriptions.repository';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Webhook subscriptions of a tenant, their deliveries and attempts. */
@Module({
  imports: [ChangesModule, TenantsModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookSubscriptionsRepository, WebhookDeliveriesRepository],
  exports: [WebhookDeliveriesRepository],
})
export class WebhooksModule {}
