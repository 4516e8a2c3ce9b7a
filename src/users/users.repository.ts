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
import type { UserStatus } from './user.entity';

export interface UserRow {
  id: string;
  tenant_id: string;
  email: string;
  display_name: string;
  status: UserStatus;
  created_at: Date;
  updated_at: Date;
  /** Maintained by the database: one more on every change of the representation (the ETag). */
  version: number;
}

export interface UserFields {
  email: string;
  display_name: string;
  status: UserStatus;
}

const COLUMNS = 'id, tenant_id, email, display_name, status, created_at, updated_at, version';

@Injectable()
export class UsersRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reads: ReadRouter,
  ) {}

  /** Ordered by email, then id; `q` matches email or display name, case-insensitively. */
  @GenerateSql({ name: 'all', params: [Dummy.tenant, FIRST_PAGE] }, { name: 'with q', params: [Dummy.tenant, FIRST_PAGE, 'ada'] })
  page(tenantId: string, page: PageRequest, q?: string, consistency?: RequestConsistency): Promise<PageOfRows<UserRow>> {
    const where = q ? 'tenant_id = $1 AND (email ILIKE $2 OR display_name ILIKE $2)' : 'tenant_id = $1';
    return selectPage<UserRow>(
      this.reads.for('lists', consistency),
      {
        rows: `SELECT ${COLUMNS} FROM users WHERE ${where} ORDER BY email, id`,
        count: `SELECT count(*) AS total FROM users WHERE ${where}`,
        parameters: q ? [tenantId, containsPattern(q)] : [tenantId],
      },
      page,
    );
  }

  @GenerateSql({ params: [Dummy.tenant, Dummy.user] })
  async find(tenantId: string, userId: string): Promise<UserRow | undefined> {
    const { rows } = await runSql<UserRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2 AND ${TENANT_IS_LIVE}`,
      [tenantId, userId],
    );
    return rows[0];
  }

  @GenerateSql({ params: [Dummy.tenant, Dummy.user] })
  async exists(tenantId: string, userId: string, tx?: Tx): Promise<boolean> {
    const { rows } = await runSql(
      tx ?? this.dataSource,
      `SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2 AND ${TENANT_IS_LIVE}`,
      [tenantId, userId],
    );
    return rows.length > 0;
  }

  @GenerateSql({ params: [Dummy.tenant, { email: 'ada@example.com', display_name: 'Ada', status: 'active' }, Dummy.tx] })
  async insert(tenantId: string, fields: UserFields, tx: Tx): Promise<UserRow> {
    const { rows } = await runSql<UserRow>(
      tx,
      `INSERT INTO users (tenant_id, email, display_name, status) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [tenantId, fields.email, fields.display_name, fields.status],
    );
    return rows[0];
  }

  /** The user's status, the row held for the rest of the transaction (a status change reads what it changes from). */
  @GenerateSql({ params: [Dummy.tenant, Dummy.user, Dummy.tx] })
  async lockStatus(tenantId: string, userId: string, tx: Tx): Promise<string | undefined> {
    const { rows } = await runSql<{ status: string }>(
      tx,
      'SELECT status FROM users WHERE tenant_id = $1 AND id = $2 FOR NO KEY UPDATE',
      [tenantId, userId],
    );
    return rows[0]?.status;
  }

  /**
   * Changes the fields given; `updated_at` (and `version`) move only when a value changes.
   * `versions`: the change applies only to one of these versions (If-Match), checked by the
   * statement itself; null: to any.
   */
  @GenerateSql({ params: [Dummy.tenant, Dummy.user, { display_name: 'Renamed' }, null, Dummy.tx] })
  async update(
    tenantId: string,
    userId: string,
    changes: Partial<UserFields>,
    versions: number[] | null,
    tx: Tx,
  ): Promise<UserRow | undefined> {
    const { rows } = await runSql<UserRow>(
      tx,
      `UPDATE users
          SET email = coalesce($3, email), display_name = coalesce($4, display_name), status = coalesce($5, status),
              updated_at = CASE WHEN (coalesce($3, email), coalesce($4, display_name), coalesce($5, status))
                                     IS DISTINCT FROM (email, display_name, status)
                                THEN now() ELSE updated_at END
        WHERE tenant_id = $1 AND id = $2 AND ($6::integer[] IS NULL OR version = ANY ($6::integer[]))
        RETURNING ${COLUMNS}`,
      [tenantId, userId, changes.email ?? null, changes.display_name ?? null, changes.status ?? null, versions],
    );
    return rows[0];
  }

  /**
   * Memberships and assignments go with the user (ON DELETE CASCADE); false when there was
   * none (or, with `versions` (If-Match), none of those versions).
   */
  @GenerateSql({ params: [Dummy.tenant, Dummy.user, null, Dummy.tx] })
  async delete(tenantId: string, userId: string, versions: number[] | null, tx: Tx): Promise<boolean> {
    const { affected } = await runSql(
      tx,
      `DELETE FROM users WHERE tenant_id = $1 AND id = $2 AND ($3::integer[] IS NULL OR version = ANY ($3::integer[]))`,
      [tenantId, userId, versions],
    );
    return affected === 1;
  }
}
