import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Dummy, FIRST_PAGE, GenerateSql } from '../common/database/generate-sql';
import { type PageOfRows, selectPage } from '../common/database/pagination';
import { runSql } from '../common/database/run-sql';
import type { Tx } from '../common/database/transaction';
import type { PageRequest } from '../common/http/page';
import { BACKGROUND_CONNECTION } from '../database/database.options';
import type { AttemptOutcome } from './webhook-delivery-attempt.entity';

const SOME_ID = '00000000-0000-4000-8000-000000000001';

/** The head of a subscription's queue, claimed for one POST. */
export interface DueDelivery {
  tenant_id: string;
  subscription_id: string;
  url: string;
  secret: string;
  delivery_id: string;
  attempts: number;
  first_attempted_at: Date | null;
  event_id: string;
  type: string;
  occurred_at: Date;
  actor: string;
  request_id: string | null;
  data: Record<string, unknown>;
}

/** One POST's outcome, as the dispatcher records it. */
export interface AttemptRecord {
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  outcome: AttemptOutcome;
  /** For `retrying`: the wait before the next attempt. */
  retryDelayMs: number;
}

export interface AttemptRow {
  id: string;
  delivery_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  attempted_at: Date;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  outcome: AttemptOutcome;
}

export interface SubscriptionHealth {
  consecutive_failures: number;
  failing_seconds: number | null;
}

export interface DeliveryStats {
  pending_deliveries: number;
  failed_deliveries_last_hour: number;
  paused_subscriptions: number;
}

/** Webhook deliveries: the fan-out, the claims and the attempts (relay, background pool) and their list (API). */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectDataSource(BACKGROUND_CONNECTION) private readonly background: DataSource,
  ) {}

  /** The relay's pool, for the transactions that record attempts. */
  get dataSourceOfRelay(): DataSource {
    return this.background;
  }

  /**
   * One delivery per event and subscription that wants its type (active or paused; a
   * subscription gets the events that occurred after its creation), queued in event order.
   */
  @GenerateSql({ params: [[Dummy.tenant], [SOME_ID], Dummy.tx] })
  async fanOut(tenantIds: string[], eventIds: string[], tx: Tx): Promise<number> {
    const { affected } = await runSql(
      tx,
      `INSERT INTO webhook_deliveries (tenant_id, subscription_id, event_id)
       SELECT e.tenant_id, s.id, e.id
         FROM unnest($1::uuid[], $2::uuid[]) AS claimed(tenant_id, id)
         JOIN change_events e ON e.tenant_id = claimed.tenant_id AND e.id = claimed.id
         JOIN webhook_subscriptions s
           ON s.tenant_id = e.tenant_id AND s.created_at <= e.occurred_at
          AND (cardinality(s.event_types) = 0 OR e.type = ANY (s.event_types))
        ORDER BY e.sequence, s.id
       ON CONFLICT DO NOTHING`,
      [tenantIds, eventIds],
    );
    return affected;
  }

  /**
   * Up to `limit` active subscriptions whose next delivery is due, each leased to this
   * instance for `leaseSeconds` (one POST at a time per subscription, so its events go out
   * in order), with that delivery and its event. Crosses tenants: the relay serves them all.
   */
  @GenerateSql({ params: [10, 15] })
  async claimDue(limit: number, leaseSeconds: number): Promise<DueDelivery[]> {
    const { rows } = await runSql<DueDelivery>(
      this.background,
      `WITH due AS (
         SELECT s.tenant_id, s.id
           FROM webhook_subscriptions s
           CROSS JOIN LATERAL (
             SELECT d.next_attempt_at FROM webhook_deliveries d
              WHERE d.tenant_id = s.tenant_id AND d.subscription_id = s.id AND d.status = 'pending'
              ORDER BY d.sequence LIMIT 1) head
          WHERE s.status = 'active' AND s.lease_until < clock_timestamp() AND head.next_attempt_at <= clock_timestamp()
          ORDER BY head.next_attempt_at
          LIMIT $1
          FOR UPDATE OF s SKIP LOCKED
       ), leased AS (
         UPDATE webhook_subscriptions s SET lease_until = clock_timestamp() + make_interval(secs => $2)
           FROM due WHERE s.tenant_id = due.tenant_id AND s.id = due.id
         RETURNING s.tenant_id, s.id, s.url, s.secret
       )
       SELECT l.tenant_id, l.id AS subscription_id, l.url, l.secret, d.id AS delivery_id, d.attempts, d.first_attempted_at,
              e.id AS event_id, e.type, e.occurred_at, e.actor, e.request_id, e.data
         FROM leased l
         CROSS JOIN LATERAL (
           SELECT d.id, d.attempts, d.first_attempted_at, d.event_id FROM webhook_deliveries d
            WHERE d.tenant_id = l.tenant_id AND d.subscription_id = l.id AND d.status = 'pending'
            ORDER BY d.sequence LIMIT 1) d
         JOIN change_events e ON e.tenant_id = l.tenant_id AND e.id = d.event_id`,
      [limit, leaseSeconds],
    );
    return rows;
  }

  /** Records the attempt, moves the delivery on, updates the subscription's failure streak and releases its lease. */
  @GenerateSql({
    params: [
      { tenant_id: Dummy.tenant, subscription_id: SOME_ID, delivery_id: SOME_ID, event_id: SOME_ID, type: 'user.deleted' },
      { attempt: 1, statusCode: 500, error: null, durationMs: 12, outcome: 'retrying', retryDelayMs: 1000 },
      Dummy.tx,
    ],
  })
  async record(
    delivery: Pick<DueDelivery, 'tenant_id' | 'subscription_id' | 'delivery_id' | 'event_id' | 'type'>,
    attempt: AttemptRecord,
    tx: Tx,
  ): Promise<SubscriptionHealth | undefined> {
    const { tenant_id: tenantId, subscription_id: subscriptionId, delivery_id: deliveryId } = delivery;
    await runSql(
      tx,
      `INSERT INTO webhook_delivery_attempts
              (tenant_id, delivery_id, subscription_id, event_id, event_type, attempt, status_code, error, duration_ms, outcome)
       SELECT d.tenant_id, d.id, d.subscription_id, d.event_id, $3, $4, $5, $6, $7, $8
         FROM webhook_deliveries d WHERE d.tenant_id = $1 AND d.id = $2`,
      [
        tenantId,
        deliveryId,
        delivery.type,
        attempt.attempt,
        attempt.statusCode,
        attempt.error,
        attempt.durationMs,
        attempt.outcome,
      ],
    );
    await runSql(
      tx,
      `UPDATE webhook_deliveries
          SET attempts = attempts + 1,
              first_attempted_at = coalesce(first_attempted_at, clock_timestamp()),
              status = CASE $3 WHEN 'retrying' THEN 'pending' ELSE $3 END,
              next_attempt_at = clock_timestamp() + make_interval(secs => $4::float8 / 1000),
              completed_at = CASE WHEN $3 = 'retrying' THEN NULL ELSE clock_timestamp() END
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, deliveryId, attempt.outcome, attempt.retryDelayMs],
    );
    const { rows } = await runSql<{ consecutive_failures: number; failing_seconds: number | null }>(
      tx,
      `UPDATE webhook_subscriptions
          SET lease_until = '-infinity',
              consecutive_failures = CASE $3 WHEN 'delivered' THEN 0 WHEN 'failed' THEN consecutive_failures + 1
                                     ELSE consecutive_failures END,
              failing_since = CASE WHEN $3 = 'delivered' THEN NULL ELSE coalesce(failing_since, clock_timestamp()) END
        WHERE tenant_id = $1 AND id = $2
        RETURNING consecutive_failures, extract(epoch FROM clock_timestamp() - failing_since)::float8 AS failing_seconds`,
      [tenantId, subscriptionId, attempt.outcome],
    );
    return rows[0];
  }

  /** Gives the subscription's lease back without an attempt (the relay stopped before it could POST). */
  @GenerateSql({ params: [Dummy.tenant, SOME_ID] })
  async release(tenantId: string, subscriptionId: string): Promise<void> {
    await runSql(this.background, `UPDATE webhook_subscriptions SET lease_until = '-infinity' WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      subscriptionId,
    ]);
  }

  /** Pauses an active subscription that keeps failing, with the reason. */
  @GenerateSql({ params: [Dummy.tenant, SOME_ID, 'reason', Dummy.tx] })
  async pause(tenantId: string, subscriptionId: string, reason: string, tx: Tx): Promise<void> {
    await runSql(
      tx,
      `UPDATE webhook_subscriptions SET status = 'paused', paused_reason = $3, updated_at = now()
        WHERE tenant_id = $1 AND id = $2 AND status = 'active'`,
      [tenantId, subscriptionId, reason],
    );
  }

  /** The subscription's delivery attempts, newest first (ties by id). */
  @GenerateSql({ params: [Dummy.tenant, SOME_ID, FIRST_PAGE] })
  attempts(tenantId: string, subscriptionId: string, page: PageRequest): Promise<PageOfRows<AttemptRow>> {
    const where = 'tenant_id = $1 AND subscription_id = $2';
    return selectPage<AttemptRow>(
      this.dataSource,
      {
        rows: `SELECT id, delivery_id, event_id, event_type, attempt, attempted_at, status_code, error, duration_ms, outcome
                 FROM webhook_delivery_attempts WHERE ${where} ORDER BY attempted_at DESC, id DESC`,
        count: `SELECT count(*) AS total FROM webhook_delivery_attempts WHERE ${where}`,
        parameters: [tenantId, subscriptionId],
      },
      page,
    );
  }

  /** Across tenants, for /health/ready: deliveries waiting, deliveries that finally failed in the last hour, paused subscriptions. */
  @GenerateSql({ params: [] })
  async stats(): Promise<DeliveryStats> {
    const { rows } = await runSql<{ pending: string; failed: string; paused: string }>(
      this.dataSource,
      `SELECT (SELECT count(*) FROM (SELECT 1 FROM webhook_deliveries WHERE status = 'pending' LIMIT 100000) p) AS pending,
              (SELECT count(*) FROM webhook_deliveries
                WHERE status = 'failed' AND completed_at > clock_timestamp() - interval '1 hour') AS failed,
              (SELECT count(*) FROM webhook_subscriptions WHERE status = 'paused') AS paused`,
      [],
    );
    return {
      pending_deliveries: Number(rows[0].pending),
      failed_deliveries_last_hour: Number(rows[0].failed),
      paused_subscriptions: Number(rows[0].paused),
    };
  }
}
