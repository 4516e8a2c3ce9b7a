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

export interface GroupRow {
  id: string;
  tenant_id: string;
  name: string;
  description: string | null;
  created_at: Date;
  updated_at: Date;
  /** Maintained by the database: one more on every change of the representation (the ETag). */
  version: number;
}

export interface GroupFields {
  name: string;
  description: string | null;
}

const COLUMNS = 'id, tenant_id, name, description, created_at, updated_at, version';

@Injectable()
export class GroupsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reads: ReadRouter,
  ) {}

  /** Ordered by name, then id; `q` matches the name, case-insensitively. */
  @GenerateSql({ name: 'all', params: [Dummy.tenant, FIRST_PAGE] }, { name: 'with q', params: [Dummy.tenant, FIRST_PAGE, 'eng'] })
  page(tenantId: string, page: PageRequest, q?: string, consistency?: RequestConsistency): Promise<PageOfRows<GroupRow>> {
    const where = q
      ? 'tenant_id = $1 AND deletion_requested_at IS NULL AND name ILIKE $2'
      : 'tenant_id = $1 AND deletion_requested_at IS NULL';
    return selectPage<GroupRow>(
      this.reads.for('lists', consistency),
      {
        rows: `SELECT ${COLUMNS} FROM groups WHERE ${where} ORDER BY name, id`,
        count: `SELECT count(*) AS total FROM groups WHERE ${where}`,
        parameters: q ? [tenantId, containsPattern(q)] : [tenantId],
      },
      page,
    );
  }

  @GenerateSql({ params: [Dummy.tenant, Dummy.group] })
  async find(tenantId: string, groupId: string): Promise<GroupRow | undefined> {
    const { rows } = await runSql<GroupRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM groups WHERE tenant_id = $1 AND id = $2 AND deletion_requested_at IS NULL AND ${TENANT_IS_LIVE}`,
      [tenantId, groupId],
    );
    return rows[0];
  }

  @GenerateSql({ params: [Dummy.tenant, Dummy.group] })
  async exists(tenantId: string, groupId: string, consistency?: RequestConsistency): Promise<boolean> {
    const { rows } = await runSql(
      consistency ? this.reads.for('lists', consistency) : this.dataSource,
      `SELECT 1 FROM groups WHERE tenant_id = $1 AND id = $2 AND deletion_requested_at IS NULL AND ${TENANT_IS_LIVE}`,
      [tenantId, groupId],
    );
    return rows.length > 0;
  }

  @GenerateSql({ params: [Dummy.tenant, { name: 'Engineering', description: null }, Dummy.tx] })
  async insert(tenantId: string, fields: GroupFields, tx: Tx): Promise<GroupRow> {
    const { rows } = await runSql<GroupRow>(
      tx,
      `INSERT INTO groups (tenant_id, name, description) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [tenantId, fields.name, fields.description],
    );
    return rows[0];
  }

  /**
   * Changes the fields given (`description` may be set to null); `updated_at` (and
   * `version`) move only when a value changes. `versions`: the change applies only to one of
   * these versions (If-Match), checked by the statement itself; null: to any.
   */
  @GenerateSql({ params: [Dummy.tenant, Dummy.group, { description: 'Builds things' }, null, Dummy.tx] })
  async update(
    tenantId: string,
    groupId: string,
    changes: Partial<GroupFields>,
    versions: number[] | null,
    tx: Tx,
  ): Promise<GroupRow | undefined> {
    const { rows } = await runSql<GroupRow>(
      tx,
      `UPDATE groups
          SET name = coalesce($3, name),
              description = CASE WHEN $4::boolean THEN $5 ELSE description END,
              updated_at = CASE WHEN (coalesce($3, name), CASE WHEN $4::boolean THEN $5 ELSE description END)
                                     IS DISTINCT FROM (name, description)
                                THEN now() ELSE updated_at END
        WHERE tenant_id = $1 AND id = $2 AND deletion_requested_at IS NULL
          AND ($6::integer[] IS NULL OR version = ANY ($6::integer[]))
        RETURNING ${COLUMNS}`,
      [tenantId, groupId, changes.name ?? null, changes.description !== undefined, changes.description ?? null, versions],
    );
    return rows[0];
  }

  /**
   * Locks the group against the writes in flight that add to it and says how many members
   * its deletion removes (counted no further than the inline limit + 1) and its version (for
   * If-Match, compared while the row is locked), or undefined when there is no such group.
   */
  @GenerateSql({ params: [Dummy.tenant, Dummy.group, Dummy.tx] })
  async lockForDeletion(
    tenantId: string,
    groupId: string,
    tx: Tx,
  ): Promise<{ rows: number; inlineLimit: number; version: number } | undefined> {
    const { rows } = await runSql<{ rows: string; inline_limit: number; version: number }>(
      tx,
      `WITH settings AS (SELECT inline_fanout_limit AS inline_limit FROM effective_access_settings)
       SELECT (SELECT count(*) FROM (SELECT 1 FROM group_memberships m
                                      WHERE m.tenant_id = g.tenant_id AND m.group_id = g.id
                                      LIMIT (SELECT inline_limit FROM settings) + 1) AS bounded) AS rows,
              (SELECT inline_limit FROM settings) AS inline_limit,
              g.version
         FROM groups g
        WHERE g.tenant_id = $1 AND g.id = $2 AND g.deletion_requested_at IS NULL
          FOR UPDATE OF g`,
      [tenantId, groupId],
    );
    return rows[0] && { rows: Number(rows[0].rows), inlineLimit: rows[0].inline_limit, version: rows[0].version };
  }

  /** Memberships and the group's assignments go with it (ON DELETE CASCADE); false when there was none. */
  @GenerateSql({ params: [Dummy.tenant, Dummy.group, Dummy.tx] })
  async delete(tenantId: string, groupId: string, tx: Tx): Promise<boolean> {
    const { affected } = await runSql(tx, `DELETE FROM groups WHERE tenant_id = $1 AND id = $2`, [tenantId, groupId]);
    return affected === 1;
  }

  /**
   * Accepts a deletion for the background: the group is gone for every read from now on,
   * and gives up its assignments at once (its members' access goes with them); the
   * background removes its memberships.
   */
  @GenerateSql({ params: [Dummy.tenant, Dummy.group, Dummy.tx] })
  async markDeleted(tenantId: string, groupId: string, tx: Tx): Promise<void> {
    await runSql(tx, `UPDATE groups SET deletion_requested_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, groupId]);
    await runSql(tx, `DELETE FROM group_app_assignments WHERE tenant_id = $1 AND group_id = $2`, [tenantId, groupId]);
  }
}
