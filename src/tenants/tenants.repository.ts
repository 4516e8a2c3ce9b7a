import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Dummy, FIRST_PAGE, GenerateSql } from '../common/database/generate-sql';
import { type PageOfRows, selectPage } from '../common/database/pagination';
import { runSql } from '../common/database/run-sql';
import type { Tx } from '../common/database/transaction';
import type { RequestConsistency } from '../common/http/consistency';
import type { PageRequest } from '../common/http/page';
import { ReadRouter } from '../replicas/read-router';
import type { TenantStatus } from './tenant.entity';

export interface TenantRow {
  id: string;
  name: string;
  slug: string;
  status: TenantStatus;
  created_at: Date;
  updated_at: Date;
}

export interface TenantFields {
  name: string;
  slug: string;
  status: TenantStatus;
}

const COLUMNS = 'id, name, slug, status, created_at, updated_at';

@Injectable()
export class TenantsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reads: ReadRouter,
  ) {}

  /** Ordered by slug, then id; `onlyTenantId` limits the list to that tenant. */
  @GenerateSql({ name: 'every tenant', params: [FIRST_PAGE] }, { name: 'one tenant', params: [FIRST_PAGE, Dummy.tenant] })
  page(page: PageRequest, onlyTenantId?: string): Promise<PageOfRows<TenantRow>> {
    const where =
      onlyTenantId === undefined ? 'WHERE deletion_requested_at IS NULL' : 'WHERE id = $1 AND deletion_requested_at IS NULL';
    return selectPage<TenantRow>(
      this.dataSource,
      {
        rows: `SELECT ${COLUMNS} FROM tenants ${where} ORDER BY slug, id`,
        count: `SELECT count(*) AS total FROM tenants ${where}`,
        parameters: onlyTenantId === undefined ? [] : [onlyTenantId],
      },
      page,
    );
  }

  @GenerateSql({ params: [Dummy.tenant] })
  async find(tenantId: string, tx?: Tx): Promise<TenantRow | undefined> {
    const { rows } = await runSql<TenantRow>(
      tx ?? this.dataSource,
      `SELECT ${COLUMNS} FROM tenants WHERE id = $1 AND deletion_requested_at IS NULL`,
      [tenantId],
    );
    return rows[0];
  }

  @GenerateSql({ params: [Dummy.tenant] })
  /**
   * With a request's consistency: asked where that request's list reads are served, so a list
   * and the tenant it belongs to come from the same server (a replica, when one may serve it).
   */
  async exists(tenantId: string, consistency?: RequestConsistency): Promise<boolean> {
    const source = consistency ? this.reads.for('lists', consistency) : this.dataSource;
    const { rows } = await runSql(source, `SELECT 1 FROM tenants WHERE id = $1 AND deletion_requested_at IS NULL`, [tenantId]);
    return rows.length > 0;
  }

  @GenerateSql({ params: [{ name: 'Acme', slug: 'acme-sql-snapshot', status: 'active' }, Dummy.tx] })
  async insert(fields: TenantFields, tx: Tx): Promise<TenantRow> {
    const { rows } = await runSql<TenantRow>(
      tx,
      `INSERT INTO tenants (name, slug, status) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [fields.name, fields.slug, fields.status],
    );
    return rows[0];
  }

  /** Changes the fields given; `updated_at` moves only when a value changes. */
  @GenerateSql({ params: [Dummy.tenant, { name: 'Renamed' }, Dummy.tx] })
  async update(tenantId: string, changes: Partial<TenantFields>, tx: Tx): Promise<TenantRow | undefined> {
    const { rows } = await runSql<TenantRow>(
      tx,
      `UPDATE tenants
          SET name = coalesce($2, name), slug = coalesce($3, slug), status = coalesce($4, status),
              updated_at = CASE WHEN (coalesce($2, name), coalesce($3, slug), coalesce($4, status)) IS DISTINCT FROM (name, slug, status)
                                THEN now() ELSE updated_at END
        WHERE id = $1 AND deletion_requested_at IS NULL
        RETURNING ${COLUMNS}`,
      [tenantId, changes.name ?? null, changes.slug ?? null, changes.status ?? null],
    );
    return rows[0];
  }

  /**
   * Locks the tenant against every write in flight (they hold KEY SHARE) and says how many
   * rows its deletion touches, or undefined when there is no such tenant. Small: delete it
   * now; large: the background does.
   */
  @GenerateSql({ params: [Dummy.tenant, Dummy.tx] })
  async lockForDeletion(tenantId: string, tx: Tx): Promise<{ rows: number; inlineLimit: number } | undefined> {
    const { rows } = await runSql<{ rows: string; inline_limit: number }>(
      tx,
      `SELECT t.user_count + (SELECT coalesce(sum(s.user_count), 0) FROM effective_access_state s WHERE s.tenant_id = t.id) AS rows,
              (SELECT inline_fanout_limit FROM effective_access_settings) AS inline_limit
         FROM tenants t
        WHERE t.id = $1 AND t.deletion_requested_at IS NULL
          FOR UPDATE OF t`,
      [tenantId],
    );
    return rows[0] && { rows: Number(rows[0].rows), inlineLimit: rows[0].inline_limit };
  }

  /** Everything of the tenant goes with it (ON DELETE CASCADE); false when there was none. */
  @GenerateSql({ params: [Dummy.tenant, Dummy.tx] })
  async delete(tenantId: string, tx: Tx): Promise<boolean> {
    const { affected } = await runSql(tx, `DELETE FROM tenants WHERE id = $1`, [tenantId]);
    return affected === 1;
  }

  /**
   * Accepts a deletion for the background: the tenant is gone for every read from now on,
   * and the maintenance of its effective-access index stops.
   */
  @GenerateSql({ params: [Dummy.tenant, Dummy.tx] })
  async markDeleted(tenantId: string, tx: Tx): Promise<void> {
    await runSql(tx, `UPDATE tenants SET deletion_requested_at = now() WHERE id = $1`, [tenantId]);
    await runSql(tx, `DELETE FROM effective_access_state WHERE tenant_id = $1`, [tenantId]);
  }
}
