import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Dummy, FIRST_PAGE, GenerateSql } from '../common/database/generate-sql';
import { TENANT_IS_LIVE } from '../common/database/liveness';
import { type PageOfRows, selectPage } from '../common/database/pagination';
import { runSql } from '../common/database/run-sql';
import { containsPattern } from '../common/database/text-search';
import type { Tx } from '../common/database/transaction';
import type { RequestConsistency } from '../common/http/consistency';
import type { PageRequest } from '../common/http/page';
import { ReadRouter } from '../replicas/read-router';
import type { ApplicationStatus } from './application.entity';

export interface ApplicationRow {
  id: string;
  tenant_id: string;
  name: string;
  description: string | null;
  client_id: string;
  status: ApplicationStatus;
  created_at: Date;
  updated_at: Date;
  /** Maintained by the database: one more on every change of the representation (the ETag). */
  version: number;
}

export interface ApplicationFields {
  name: string;
  description: string | null;
  status: ApplicationStatus;
}

const COLUMNS = 'id, tenant_id, name, description, client_id, status, created_at, updated_at, version';

@Injectable()
export class ApplicationsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reads: ReadRouter,
  ) {}

  /** Ordered by name, then id; `q` matches the name, case-insensitively. */
  @GenerateSql({ name: 'all', params: [Dummy.tenant, FIRST_PAGE] }, { name: 'with q', params: [Dummy.tenant, FIRST_PAGE, 'pay'] })
  page(tenantId: string, page: PageRequest, q?: string, consistency?: RequestConsistency): Promise<PageOfRows<ApplicationRow>> {
    const where = q
      ? 'tenant_id = $1 AND deletion_requested_at IS NULL AND name ILIKE $2'
      : 'tenant_id = $1 AND deletion_requested_at IS NULL';
    return selectPage<ApplicationRow>(
      this.reads.for('lists', consistency),
      {
        rows: `SELECT ${COLUMNS} FROM applications WHERE ${where} ORDER BY name, id`,
        count: `SELECT count(*) AS total FROM applications WHERE ${where}`,
        parameters: q ? [tenantId, containsPattern(q)] : [tenantId],
      },
      page,
    );
  }

  @GenerateSql({ params: [Dummy.tenant, Dummy.application] })
  async find(tenantId: string, applicationId: string): Promise<ApplicationRow | undefined> {
    const { rows } = await runSql<ApplicationRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM applications WHERE tenant_id = $1 AND id = $2 AND deletion_requested_at IS NULL AND ${TENANT_IS_LIVE}`,
      [tenantId, applicationId],
    );
    return rows[0];
  }

  @GenerateSql({ params: [Dummy.tenant, Dummy.application] })
  async exists(tenantId: string, applicationId: string): Promise<boolean> {
    const { rows } = await runSql(
      this.dataSource,
      `SELECT 1 FROM applications WHERE tenant_id = $1 AND id = $2 AND deletion_requested_at IS NULL AND ${TENANT_IS_LIVE}`,
      [tenantId, applicationId],
    );
    return rows.length > 0;
  }

  @GenerateSql({ params: [Dummy.tenant, { name: 'Payroll', description: null, status: 'active' }, 'app_sql_snapshot', Dummy.tx] })
  async insert(tenantId: string, fields: ApplicationFields, clientId: string, tx: Tx): Promise<ApplicationRow> {
    const { rows } = await runSql<ApplicationRow>(
      tx,
      `INSERT INTO applications (tenant_id, name, description, status, client_id) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [tenantId, fields.name, fields.description, fields.status, clientId],
    );
    return rows[0];
  }

  /**
   * Changes the fields given (`description` may be set to null); `updated_at` (and
   * `version`) move only when a value changes. `versions`: the change applies only to one of
   * these versions (If-Match), checked by the statement itself; null: to any.
   */
  @GenerateSql({ params: [Dummy.tenant, Dummy.application, { status: 'inactive' }, null, Dummy.tx] })
  async update(
    tenantId: string,
    applicationId: string,
    changes: Partial<ApplicationFields>,
    versions: number[] | null,
    tx: Tx,
  ): Promise<ApplicationRow | undefined> {
    const { rows } = await runSql<ApplicationRow>(
      tx,
      `UPDATE applications
          SET name = coalesce($3, name),
              description = CASE WHEN $4::boolean THEN $5 ELSE description END,
              status = coalesce($6, status),
              updated_at = CASE WHEN (coalesce($3, name), CASE WHEN $4::boolean THEN $5 ELSE description END, coalesce($6, status))
                                     IS DISTINCT FROM (name, description, status)
                                THEN now() ELSE updated_at END
        WHERE tenant_id = $1 AND id = $2 AND deletion_requested_at IS NULL
          AND ($7::integer[] IS NULL OR version = ANY ($7::integer[]))
        RETURNING ${COLUMNS}`,
      [
        tenantId,
        applicationId,
        changes.name ?? null,
        changes.description !== undefined,
        changes.description ?? null,
        changes.status ?? null,
        versions,
      ],
    );
    return rows[0];
  }

  /**
   * Locks the application against the writes in flight that assign it and says how many
   * rows its deletion removes (its index rows and direct assignments) and its version (for
   * If-Match, compared while the row is locked), or undefined when there is no such application.
   */
  @GenerateSql({ params: [Dummy.tenant, Dummy.application, Dummy.tx] })
  async lockForDeletion(
    tenantId: string,
    applicationId: string,
    tx: Tx,
  ): Promise<{ rows: number; inlineLimit: number; version: number } | undefined> {
    const { rows } = await runSql<{ rows: string; inline_limit: number; version: number }>(
      tx,
      `SELECT coalesce((SELECT s.user_count FROM effective_access_state s WHERE s.tenant_id = a.tenant_id AND s.application_id = a.id), 0)
              + (SELECT count(*) FROM user_app_assignments ua WHERE ua.tenant_id = a.tenant_id AND ua.application_id = a.id) AS rows,
              (SELECT inline_fanout_limit FROM effective_access_settings) AS inline_limit,
              a.version
         FROM applications a
        WHERE a.tenant_id = $1 AND a.id = $2 AND a.deletion_requested_at IS NULL
          FOR UPDATE OF a`,
      [tenantId, applicationId],
    );
    return rows[0] && { rows: Number(rows[0].rows), inlineLimit: rows[0].inline_limit, version: rows[0].version };
  }

  /**
   * Accepts a deletion for the background: the application is gone for every read from now
   * on, and the maintenance of its effective-access index stops.
   */
  @GenerateSql({ params: [Dummy.tenant, Dummy.application, Dummy.tx] })
  async markDeleted(tenantId: string, applicationId: string, tx: Tx): Promise<void> {
    await runSql(tx, `UPDATE applications SET deletion_requested_at = now() WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      applicationId,
    ]);
    await runSql(tx, `DELETE FROM effective_access_state WHERE tenant_id = $1 AND application_id = $2`, [
      tenantId,
      applicationId,
    ]);
  }

  /** The application's assignments go with it (ON DELETE CASCADE); false when there was none. */
  @GenerateSql({ params: [Dummy.tenant, Dummy.application, Dummy.tx] })
  async delete(tenantId: string, applicationId: string, tx: Tx): Promise<boolean> {
    const { affected } = await runSql(tx, `DELETE FROM applications WHERE tenant_id = $1 AND id = $2`, [tenantId, applicationId]);
    return affected === 1;
  }
}
