import type { ChangeEventRow } from './change-events.repository';

/** An event as consumers receive it (webhook body, NATS message, API list item). */
export interface ChangeEventPayload {
  id: string;
  type: string;
  tenant_id: string;
  occurred_at: string;
  actor: string;
  request_id: string | null;
  data: Record<string, unknown>;
}

export function toChangeEventPayload(row: Omit<ChangeEventRow, 'sequence'>): ChangeEventPayload {
  return {
    id: row.id,
    type: row.type,
    tenant_id: row.tenant_id,
    occurred_at: row.occurred_at.toISOString(),
    actor: row.actor,
    request_id: row.request_id,
    data: row.data,
  };
}
