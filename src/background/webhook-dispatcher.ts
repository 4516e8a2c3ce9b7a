import { Injectable, Logger } from '@nestjs/common';
import { toChangeEventPayload } from '../change-events/change-event-payload';
import { Environment } from '../config/environment';
import { SIGNATURE_HEADER, signatureHeader } from '../webhooks/signature';
import type { UrlPolicy } from '../webhooks/url-guard';
import { type AttemptRecord, type DueDelivery, WebhookDeliveriesRepository } from '../webhooks/webhook-deliveries.repository';
import type { AttemptOutcome } from '../webhooks/webhook-delivery-attempt.entity';
import { sendWebhook } from '../webhooks/webhook-sender';
import { urlPolicyOf } from '../webhooks/webhooks.service';
import { BackgroundMetrics } from './background.metrics';

export const USER_AGENT = 'iam-app-assignments-webhooks/1.0';

/** Full jitter (AWS architecture blog): random(0, min(cap, base * 2^(n-1))) before the n-th retry. */
export function retryDelayMs(retry: number, baseMs: number, capMs: number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(retry - 1, 40));
  return Math.floor(Math.random() * ceiling);
}

/**
 * Delivers webhook events: each run claims up to WEBHOOK_CONCURRENCY subscriptions whose
 * next delivery is due (leased to this instance, so each subscription gets one POST at a
 * time and its events in order), POSTs them side by side, and records each attempt. A 2xx
 * delivers the event; anything else retries it with exponential backoff and full jitter
 * until WEBHOOK_RETRY_FOR_SECONDS after its first attempt, then marks it failed and moves on
 * to the next. A subscription with WEBHOOK_PAUSE_AFTER_FAILED_EVENTS failed events in a row,
 * or failing for WEBHOOK_PAUSE_AFTER_SECONDS, is paused with the reason.
 */
@Injectable()
export class WebhookDispatcher {
  private readonly logger = new Logger('WebhookDispatcher');
  private readonly policy: UrlPolicy;

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly env: Environment,
    private readonly metrics: BackgroundMetrics,
  ) {
    this.policy = urlPolicyOf(env);
  }

  /** One round; returns how many deliveries were attempted. */
  async dispatchBatch(): Promise<number> {
    // Longer than a POST can take: a lease that expires means the instance died mid-delivery (the event goes out again).
    const leaseSeconds = Math.ceil((2 * this.env.WEBHOOK_TIMEOUT_MS) / 1000) + 1;
    const due = await this.deliveries.claimDue(this.env.WEBHOOK_CONCURRENCY, leaseSeconds);
    await Promise.all(due.map((delivery) => this.deliver(delivery)));
    return due.length;
  }

  private async deliver(delivery: DueDelivery): Promise<void> {
    const body = JSON.stringify(toChangeEventPayload({ ...delivery, id: delivery.event_id, tenant_id: delivery.tenant_id }));
    const attempt = delivery.attempts + 1;
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': USER_AGENT,
      [SIGNATURE_HEADER]: signatureHeader(delivery.secret, body, Math.floor(Date.now() / 1000)),
      'IAM-Event-Id': delivery.event_id,
      'IAM-Event-Type': delivery.type,
      'IAM-Delivery-Id': delivery.delivery_id,
      'IAM-Delivery-Attempt': String(attempt),
    };
    const sent = await sendWebhook(delivery.url, headers, body, this.policy, this.env.WEBHOOK_TIMEOUT_MS);
    const delivered = sent.statusCode !== null && sent.statusCode >= 200 && sent.statusCode < 300;
    const firstAttempt = delivery.first_attempted_at?.getTime() ?? Date.now();
    const outcome: AttemptOutcome = delivered
      ? 'delivered'
      : Date.now() - firstAttempt >= this.env.WEBHOOK_RETRY_FOR_SECONDS * 1000
        ? 'failed'
        : 'retrying';
    const record: AttemptRecord = {
      attempt,
      statusCode: sent.statusCode,
      error: sent.error ?? (delivered ? null : `HTTP ${sent.statusCode}`),
      durationMs: sent.durationMs,
      outcome,
      retryDelayMs:
        outcome === 'retrying' ? retryDelayMs(attempt, this.env.WEBHOOK_RETRY_BASE_MS, this.env.WEBHOOK_RETRY_MAX_DELAY_MS) : 0,
    };
    await this.deliveries.dataSourceOfRelay.transaction(async (tx) => {
      const health = await this.deliveries.record(delivery, record, tx);
      if (!health || outcome === 'delivered') return;
      const reason = this.pauseReason(health.consecutive_failures, health.failing_seconds, record);
      if (reason) {
        await this.deliveries.pause(delivery.tenant_id, delivery.subscription_id, reason, tx);
        this.logger.warn({
          msg: 'webhook subscription paused',
          tenantId: delivery.tenant_id,
          subscriptionId: delivery.subscription_id,
          reason,
        });
      }
    });
    this.metrics.attempted(outcome);
  }

  private pauseReason(failedEvents: number, failingSeconds: number | null, last: AttemptRecord): string | undefined {
    const lastAnswer = last.statusCode !== null ? `HTTP ${last.statusCode}` : (last.error ?? 'no answer');
    if (failedEvents >= this.env.WEBHOOK_PAUSE_AFTER_FAILED_EVENTS) {
      return `Paused after ${failedEvents} events in a row failed to deliver (last answer: ${lastAnswer})`;
    }
    if (failingSeconds !== null && failingSeconds >= this.env.WEBHOOK_PAUSE_AFTER_SECONDS) {
      return `Paused after failing for ${formatDuration(failingSeconds)} without a successful delivery (last answer: ${lastAnswer})`;
    }
    return undefined;
  }
}

function formatDuration(seconds: number): string {
  return seconds >= 3600 ? `${Math.round(seconds / 360) / 10} h` : `${Math.round(seconds)} s`;
}
