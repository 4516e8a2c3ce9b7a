import { Injectable } from '@nestjs/common';
import { toChangeEventPayload } from '../change-events/change-event-payload';
import { EventRelayRepository } from '../change-events/event-relay.repository';
import { NatsPublisher } from '../change-events/nats-publisher';
import { Environment } from '../config/environment';
import { WebhookDeliveriesRepository } from '../webhooks/webhook-deliveries.repository';
import { BackgroundMetrics } from './background.metrics';

export interface RelayBatch {
  events: number;
  deliveries: number;
  /** Age of the oldest event of the batch when it was relayed. */
  lagSeconds: number;
}

/**
 * Moves committed change events out of the outbox, one batch per transaction: publishes
 * them to NATS JetStream (when configured; message id = event id), queues one webhook
 * delivery per interested subscription, and marks them relayed, in that order. A crash
 * after the publication and before the commit publishes the batch again on the next run:
 * JetStream drops the duplicates within its window, deliveries are unique per (subscription,
 * event), and consumers de-duplicate by event id. One batch at a time across instances (a
 * transaction-level advisory lock), so events leave in the order they were recorded.
 */
@Injectable()
export class EventRelay {
  /** Test hook: runs after the publication, before the batch is marked (a crash there). */
  beforeMark?: () => Promise<void> | void;

  constructor(
    private readonly outbox: EventRelayRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly nats: NatsPublisher,
    private readonly env: Environment,
    private readonly metrics: BackgroundMetrics,
  ) {}

  /** One batch; undefined when there was nothing to relay (or another instance holds the relay). */
  async relayBatch(): Promise<RelayBatch | undefined> {
    const batch = await this.outbox.dataSource.transaction(async (tx): Promise<RelayBatch | undefined> => {
      if (!(await this.outbox.tryHold(tx))) return undefined;
      const events = await this.outbox.claim(this.env.EVENT_RELAY_BATCH_SIZE, tx);
      if (events.length === 0) return undefined;
      if (this.nats.enabled) {
        await this.nats.publish(
          events.map((row) => {
            const payload = toChangeEventPayload(row);
            return { payload, body: JSON.stringify(payload) };
          }),
        );
      }
      const tenantIds = events.map((event) => event.tenant_id);
      const ids = events.map((event) => event.id);
      const deliveries = await this.deliveries.fanOut(tenantIds, ids, tx);
      await this.beforeMark?.();
      await this.outbox.markRelayed(tenantIds, ids, tx);
      return { events: events.length, deliveries, lagSeconds: (Date.now() - events[0].occurred_at.getTime()) / 1000 };
    });
    // Counted once committed: a batch rolled back (NATS down, a crash) is relayed again later.
    if (batch) this.metrics.relayed(batch.events);
    return batch;
  }
}
