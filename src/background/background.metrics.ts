import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { Metrics } from '../metrics/metrics.service';
import { ATTEMPT_OUTCOMES, type AttemptOutcome } from '../webhooks/webhook-delivery-attempt.entity';

/** What the relay and the webhook dispatcher of this process have done, as Prometheus counters. */
@Injectable()
export class BackgroundMetrics {
  private readonly batches: Counter;
  private readonly events: Counter;
  private readonly deliveries: Counter<'outcome'>;

  constructor(metrics: Metrics) {
    this.batches = new Counter({
      name: 'iam_event_relay_batches_total',
      help: 'Batches of change events this process relayed (committed).',
      registers: [metrics.registry],
    });
    this.events = new Counter({
      name: 'iam_event_relay_events_total',
      help: 'Change events this process relayed (committed).',
      registers: [metrics.registry],
    });
    this.deliveries = new Counter({
      name: 'iam_webhook_deliveries_total',
      help: 'Webhook delivery attempts this process made and recorded, by outcome: delivered (2xx), retrying, failed (given up).',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
    // Every outcome from the start, so a rate over them is 0 rather than absent.
    for (const outcome of ATTEMPT_OUTCOMES) this.deliveries.inc({ outcome }, 0);
  }

  relayed(events: number): void {
    this.batches.inc();
    this.events.inc(events);
  }

  attempted(outcome: AttemptOutcome): void {
    this.deliveries.inc({ outcome });
  }
}
