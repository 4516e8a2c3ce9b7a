import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Dummy, FIRST_PAGE, GenerateSql } from '../common/database/generate-sql';
import { type PageOfRows, selectPage } from '../common/database/pagination';
import { runSql } from '../common/database/run-sql';
import type { Tx } from '../common/database/transaction';
import type { PageRequest } from '../common/http/page';
import type { WebhookStatus } from './webhook-subscription.entity';

const SOME_ID = '00000000-0000-4000-8000-000000000001';

export interface SubscriptionRow {
  id: string;
  tenant_id: string;
  url: string;
  event_types: string[];
  description: string | null;
  status: WebhookStatus;
  paused_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface SubscriptionFields {
  url: string;
  event_types: string[];
  description: string | null;
}

export interface SubscriptionChanges extends Partial<SubscriptionFields> {
  status?: WebhookStatus;
}

/** Never the secret: it is shown once, on creation or rotation. */
const COLUMNS = 'id, tenant_id, url, event_types, description, status, paused_reason, created_at, updated_at';

@Injectable()
export class WebhookSubscriptionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @GenerateSql({
    params: [Dummy.tenant, { url: 'https://hooks.example.com/iam', event_types: [], description: null }, 'whsec_x', Dummy.tx],
  })
  async insert(tenantId: string, fields: SubscriptionFields, secret: string, tx: Tx): Promise<SubscriptionRow> {
    const { rows } = await runSql<SubscriptionRow>(
      tx,
      `INSERT INTO webhook_subscriptions (tenant_id, url, event_types, description, secret)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [tenantId, fields.url, fields.event_types, fields.description, secret],
    );
    return rows[0];
  }

  /** Oldest first, ties by id. */
  @GenerateSql({ params: [Dummy.tenant, FIRST_PAGE] })
  page(tenantId: string, page: PageRequest): Promise<PageOfRows<SubscriptionRow>> {
    return selectPage<SubscriptionRow>(
      this.dataSource,
      {
        rows: `SELECT ${COLUMNS} FROM webhook_subscriptions WHERE tenant_id = $1 ORDER BY created_at, id`,
        count: 'SELECT count(*) AS total FROM webhook_subscriptions WHERE tenant_id = $1',
        parameters: [tenantId],
      },
      page,
    );
  }

  @GenerateSql({ params: [Dummy.tenant, SOME_ID] })
  async find(tenantId: string, id: string): Promise<SubscriptionRow | undefined> {
    const { rows } = await runSql<SubscriptionRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM webhook_subscriptions WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0];
  }

  /**
   * Changes the fields given. Resuming (status `active`) clears the pause reason and the
   * failure streak; pausing by hand records no reason.
   */
  @GenerateSql({ params: [Dummy.tenant, SOME_ID, { status: 'active' }, Dummy.tx] })
  async update(tenantId: string, id: string, changes: SubscriptionChanges, tx: Tx): Promise<SubscriptionRow | undefined> {
    const { rows } = await runSql<SubscriptionRow>(
      tx,
      `UPDATE webhook_subscriptions
          SET url = coalesce($3, url), event_types = coalesce($4, event_types),
              description = CASE WHEN $5 THEN $6 ELSE description END,
              status = coalesce($7, status),
              paused_reason = CASE WHEN $7 IS NULL THEN paused_reason ELSE NULL END,
              consecutive_failures = CASE WHEN $7 = 'active' THEN 0 ELSE consecutive_failures END,
              failing_since = CASE WHEN $7 = 'active' THEN NULL ELSE failing_since END,
              updated_at = now()
        WHERE tenant_id = $1 AND id = $2
        RETURNING ${COLUMNS}`,
      [
        tenantId,
        id,
        changes.url ?? null,
        changes.event_types ?? null,
        changes.description !== undefined,
        changes.description ?? null,
        changes.status ?? null,
      ],
    );
    return rows[0];
  }

  @GenerateSql({ params: [Dummy.tenant, SOME_ID, 'whsec_y', Dummy.tx] })
  async rotateSecret(tenantId: string, id: string, secret: string, tx: Tx): Promise<SubscriptionRow | undefined> {
    const { rows } = await runSql<SubscriptionRow>(
      tx,
      `UPDATE webhook_subscriptions SET secret = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [tenantId, id, secret],
    );
    return rows[0];
  }

  /** Its deliveries and their attempts go with it (ON DELETE CASCADE). */
  @GenerateSql({ params: [Dummy.tenant, SOME_ID, Dummy.tx] })
  async delete(tenantId: string, id: string, tx: Tx): Promise<boolean> {
    const { affected } = await runSql(tx, 'DELETE FROM webhook_subscriptions WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return affected > 0;
  }

  @GenerateSql({ params: [Dummy.tenant, SOME_ID] })
  async exists(tenantId: string, id: string): Promise<boolean> {
    const { rows } = await runSql(this.dataSource, 'SELECT 1 FROM webhook_subscriptions WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      id,
    ]);
    return rows.length > 0;
  }
}
