import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Dummy, GenerateSql } from '../common/database/generate-sql';
import { runSql } from '../common/database/run-sql';

/** An application of a tenant as the check sees it. */
export interface IndexedApplication {
  applicationId: string;
  name: string;
  userCount: number;
  /** Being rebuilt: only the users up to the cursor can be checked (NULL: none yet). */
  rebuilding: boolean;
  rebuildCursor: string | null;
  /** Its index rows, and about how many it should have (for sizing the check's batches). */
  rows: number;
  reach: number;
}

/** One index row that differs from what the source tables say. */
export interface RowDifference {
  user_id: string;
  expected: { direct: boolean; group_paths: number; email: string } | null;
  actual: { direct: boolean; group_paths: number; email: string } | null;
}

/**
 * Recounts the effective-access index from the source tables: what `npm run access:verify`
 * and the tests compare it with. Also the user ranges the check (and a repair) walks in
 * batches, and the two writes of a repair.
 */
@Injectable()
export class EffectiveAccessCheckRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every application of the tenant with its state, row count and reach, by name. */
  @GenerateSql({ params: [Dummy.tenant] })
  async applications(tenantId: string): Promise<IndexedApplication[]> {
    const { rows } = await runSql<{
      application_id: string;
      name: string;
      user_count: string;
      rebuilding: boolean;
      rebuild_cursor: string | null;
      rows: string;
      reach: string;
    }>(
      this.dataSource,
      `SELECT a.id::text AS application_id, a.name,
              s.user_count + coalesce((SELECT sum(d.delta) FROM effective_access_count_deltas d
                                        WHERE d.tenant_id = a.tenant_id AND d.application_id = a.id), 0) AS user_count,
              s.rebuild_requested_at IS NOT NULL AS rebuilding,
              s.rebuild_cursor::text AS rebuild_cursor,
              (SELECT count(*) FROM effective_access e WHERE e.tenant_id = a.tenant_id AND e.application_id = a.id) AS rows,
              (SELECT count(*) FROM user_app_assignments ua WHERE ua.tenant_id = a.tenant_id AND ua.application_id = a.id)
              + (SELECT count(*) FROM group_app_assignments ga
                   JOIN group_memberships m ON m.tenant_id = ga.tenant_id AND m.group_id = ga.group_id
                  WHERE ga.tenant_id = a.tenant_id AND ga.application_id = a.id) AS reach
         FROM applications a
         JOIN effective_access_state s ON s.tenant_id = a.tenant_id AND s.application_id = a.id
        WHERE a.tenant_id = $1
        ORDER BY a.name, a.id`,
      [tenantId],
    );
    return rows.map((row) => ({
      applicationId: row.application_id,
      name: row.name,
      userCount: Number(row.user_count),
      rebuilding: row.rebuilding,
      rebuildCursor: row.rebuild_cursor,
      rows: Number(row.rows),
      reach: Number(row.reach),
    }));
  }

  /** The id of every `step`-th user of the tenant: the bounds of the check's user ranges. */
  @GenerateSql({ params: [Dummy.tenant, 20000] })
  async userBounds(tenantId: string, step: number): Promise<string[]> {
    const { rows } = await runSql<{ id: string }>(
      this.dataSource,
      `SELECT id::text AS id FROM (
         SELECT id, row_number() OVER (ORDER BY id) AS n FROM users WHERE tenant_id = $1
       ) numbered WHERE n % $2 = 0 ORDER BY id`,
      [tenantId, step],
    );
    return rows.map((row) => row.id);
  }

  /** The differences between the index and the source tables for the users in (after, upTo]; null bounds are open. */
  @GenerateSql({ params: [Dummy.tenant, Dummy.application, null, null] })
  async differences(
    tenantId: string,
    applicationId: string,
    after: string | null,
    upTo: string | null,
  ): Promise<RowDifference[]> {
    const { rows } = await runSql<RowDifference>(
      this.dataSource,
      `WITH expected AS (
         SELECT paths.user_id, bool_or(paths.direct) AS direct, sum(paths.paths)::integer AS group_paths, u.email
           FROM (
             SELECT ua.user_id, true AS direct, 0 AS paths FROM user_app_assignments ua
              WHERE ua.tenant_id = $1 AND ua.application_id = $2
             UNION ALL
             SELECT m.user_id, false, 1 FROM group_app_assignments ga
               JOIN group_memberships m ON m.tenant_id = ga.tenant_id AND m.group_id = ga.group_id
              WHERE ga.tenant_id = $1 AND ga.application_id = $2
           ) paths
           JOIN users u ON u.tenant_id = $1 AND u.id = paths.user_id
          WHERE ($3::uuid IS NULL OR paths.user_id > $3::uuid) AND ($4::uuid IS NULL OR paths.user_id <= $4::uuid)
          GROUP BY paths.user_id, u.email
       ), actual AS (
         SELECT e.user_id, e.direct, e.group_paths, e.email FROM effective_access e
          WHERE e.tenant_id = $1 AND e.application_id = $2
            AND ($3::uuid IS NULL OR e.user_id > $3::uuid) AND ($4::uuid IS NULL OR e.user_id <= $4::uuid)
       )
       SELECT coalesce(x.user_id, a.user_id)::text AS user_id,
              CASE WHEN x.user_id IS NULL THEN NULL
                   ELSE json_build_object('direct', x.direct, 'group_paths', x.group_paths, 'email', x.email) END AS expected,
              CASE WHEN a.user_id IS NULL THEN NULL
                   ELSE json_build_object('direct', a.direct, 'group_paths', a.group_paths, 'email', a.email) END AS actual
         FROM expected x FULL JOIN actual a ON a.user_id = x.user_id
        WHERE (x.direct, x.group_paths, x.email) IS DISTINCT FROM (a.direct, a.group_paths, a.email)
        ORDER BY 1`,
      [tenantId, applicationId, after, upTo],
    );
    return rows;
  }

  /**
   * Sets the application's count to its index rows (the repair's last step: a rebuild
   * corrects rows by difference, so it cannot correct a count that had drifted from them).
   * Changes of the application wait meanwhile (its advisory lock, exclusive); a fold of the
   * appended deltas in flight is waited for by the state row's lock, and the deltas it has
   * not folded yet are left out of the stored count, which they join when it commits.
   */
  @GenerateSql({ params: [Dummy.tenant, Dummy.application] })
  async recount(tenantId: string, applicationId: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await runSql(
        tx,
        `SELECT pg_advisory_xact_lock(effective_access_application_key($1, $2)), s.user_count
           FROM effective_access_state s WHERE s.tenant_id = $1 AND s.application_id = $2 FOR UPDATE OF s`,
        [tenantId, applicationId],
      );
      await runSql(
        tx,
        `UPDATE effective_access_state s
            SET user_count = (SELECT count(*) FROM effective_access e WHERE e.tenant_id = $1 AND e.application_id = $2)
                           - coalesce((SELECT sum(d.delta) FROM effective_access_count_deltas d
                                        WHERE d.tenant_id = $1 AND d.application_id = $2), 0)
          WHERE s.tenant_id = $1 AND s.application_id = $2`,
        [tenantId, applicationId],
      );
    });
  }

  /** Marks the application for a rebuild (the repair: the background batches then make it exact). */
  @GenerateSql({ params: [Dummy.tenant, Dummy.application] })
  async requestRebuild(tenantId: string, applicationId: string): Promise<void> {
    await runSql(this.dataSource, `SELECT effective_access_request_rebuild(ARRAY[$1::uuid], ARRAY[$2::uuid])`, [
      tenantId,
      applicationId,
    ]);
  }
}
