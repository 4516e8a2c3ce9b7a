import type { AttemptRow } from '../webhook-deliveries.repository';
import type { SubscriptionRow } from '../webhook-subscriptions.repository';
import type { WebhookDeliveryAttemptResponse, WebhookResponse } from './webhook.dto';

export function toWebhookResponse(row: SubscriptionRow): WebhookResponse {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    url: row.url,
    event_types: row.event_types,
    description: row.description,
    status: row.status,
    paused_reason: row.paused_reason,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export function toAttemptResponse(row: AttemptRow): WebhookDeliveryAttemptResponse {
  return {
    id: row.id,
    delivery_id: row.delivery_id,
    event_id: row.event_id,
    event_type: row.event_type,
    attempt: row.attempt,
    attempted_at: row.attempted_at.toISOString(),
    status_code: row.status_code,
    error: row.error,
    duration_ms: row.duration_ms,
    outcome: row.outcome,
  };
}
