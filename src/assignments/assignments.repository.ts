import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql } from '../common/database/run-sql';
import { offsetOf, PageRequest } from '../common/http/page';
import type { AssignmentType } from './dto/app-assignment.dto';

export interface AssignmentRow {
  application_id: string;
  application_name: string;
  application_client_id: string;
  assigned_at: Date;
  assignment_type: AssignmentType;
  assigned_via: string | null;
}

export interface AssigneesRow {
  users: string[];
  groups: string[];
}

export interface EffectiveUserRow {
  user_id: string;
  email: string;
  display_name: string;
  status: string;
  direct: boolean;
  via_groups: string[];
}

/**
 * The App Assignments set queries and writes. Each read is one parameterised statement
 * (plus one for a total), every statement filters on tenant_id, and each is backed by
 * an index (see the migrations).
 */
@Injectable()
export class AssignmentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * A user's applications: direct ∪ through groups, one row per application. A direct
   * assignment wins; otherwise the group whose assignment is oldest (ties: smallest
   * group id). Ordered by application name, then id.
   */
  async userApplications(tenantId: string, userId: string, includeGroups: boolean): Promise<AssignmentRow[]> {
    const { rows } = await runSql<AssignmentRow>(
      this.dataSource,
      `WITH reachable AS (
         SELECT ua.application_id, ua.assigned_at, 'direct' AS assignment_type, NULL::uuid AS assigned_via, 0 AS precedence
           FROM user_app_assignments ua
          WHERE ua.tenant_id = $1 AND ua.user_id = $2
         UNION ALL
         SELECT ga.application_id, ga.assigned_at, 'group', ga.group_id, 1
           FROM group_memberships m
           JOIN group_app_assignments ga ON ga.tenant_id = m.tenant_id AND ga.group_id = m.group_id
          WHERE m.tenant_id = $1 AND m.user_id = $2 AND $3::boolean
       ), chosen AS (
         SELECT DISTINCT ON (application_id) application_id, assigned_at, assignment_type, assigned_via
           FROM reachable
          ORDER BY application_id, precedence, assigned_at, assigned_via
       )
       SELECT a.id AS application_id, a.name AS application_name, a.client_id AS application_client_id,
              c.assigned_at, c.assignment_type, c.assigned_via::text AS assigned_via
         FROM chosen c
         JOIN applications a ON a.tenant_id = $1 AND a.id = c.application_id
        ORDER BY a.name, a.id`,
      [tenantId, userId, includeGroups],
    );
    return rows;
  }

  /** A group's assignments, ordered by application name, then id. */
  async groupApplications(tenantId: string, groupId: string): Promise<AssignmentRow[]> {
    const { rows } = await runSql<AssignmentRow>(
      this.dataSource,
      `SELECT a.id AS application_id, a.name AS application_name, a.client_id AS application_client_id,
              ga.assigned_at, 'group' AS assignment_type, ga.group_id::text AS assigned_via
         FROM group_app_assignments ga
         JOIN applications a ON a.tenant_id = ga.tenant_id AND a.id = ga.application_id
        WHERE ga.tenant_id = $1 AND ga.group_id = $2
        ORDER BY a.name, a.id`,
      [tenantId, groupId],
    );
    return rows;
  }

  /** Directly assigned users and assigned groups, oldest assignment first, ties by id. */
  async assignees(tenantId: string, applicationId: string): Promise<AssigneesRow> {
    const { rows } = await runSql<AssigneesRow>(
      this.dataSource,
      `SELECT ARRAY(SELECT ua.user_id::text FROM user_app_assignments ua
                     WHERE ua.tenant_id = $1 AND ua.application_id = $2
                     ORDER BY ua.assigned_at, ua.user_id) AS users,
              ARRAY(SELECT ga.group_id::text FROM group_app_assignments ga
                     WHERE ga.tenant_id = $1 AND ga.application_id = $2
                     ORDER BY ga.assigned_at, ga.group_id) AS groups`,
      [tenantId, applicationId],
    );
    return rows[0];
  }

  /**
   * One page of the users who can use an application (direct or through any group),
   * each once, ordered by email then id, with `direct` and the sorted `via_groups`.
   * The page is chosen first; the per-user details are computed for that page only.
   */
  async effectiveUsersPage(tenantId: string, applicationId: string, page: PageRequest): Promise<EffectiveUserRow[]> {
    const { rows } = await runSql<EffectiveUserRow>(
      this.dataSource,
      `WITH page AS (
         SELECT u.id, u.email, u.display_name, u.status
           FROM users u
          WHERE u.tenant_id = $1
            AND u.id IN (SELECT ua.user_id FROM user_app_assignments ua
                          WHERE ua.tenant_id = $1 AND ua.application_id = $2
                         UNION
                         SELECT m.user_id FROM group_app_assignments ga
                           JOIN group_memberships m ON m.tenant_id = ga.tenant_id AND m.group_id = ga.group_id
                          WHERE ga.tenant_id = $1 AND ga.application_id = $2)
          ORDER BY u.email, u.id
          LIMIT $3 OFFSET $4
       )
       SELECT p.id::text AS user_id, p.email, p.display_name, p.status,
              EXISTS (SELECT 1 FROM user_app_assignments ua
                       WHERE ua.tenant_id = $1 AND ua.application_id = $2 AND ua.user_id = p.id) AS direct,
              ARRAY(SELECT m.group_id::text
                      FROM group_memberships m
                      JOIN group_app_assignments ga
                        ON ga.tenant_id = m.tenant_id AND ga.group_id = m.group_id AND ga.application_id = $2
                     WHERE m.tenant_id = $1 AND m.user_id = p.id
                     ORDER BY m.group_id) AS via_groups
         FROM page p
        ORDER BY p.email, p.id`,
      [tenantId, applicationId, page.perPage, offsetOf(page)],
    );
    return rows;
  }

  /** How many distinct users can use an application. */
  async effectiveUsersCount(tenantId: string, applicationId: string): Promise<number> {
    const { rows } = await runSql<{ total: string }>(
      this.dataSource,
      `SELECT count(*) AS total FROM (
         SELECT ua.user_id FROM user_app_assignments ua
          WHERE ua.tenant_id = $1 AND ua.application_id = $2
         UNION
         SELECT m.user_id FROM group_app_assignments ga
           JOIN group_memberships m ON m.tenant_id = ga.tenant_id AND m.group_id = ga.group_id
          WHERE ga.tenant_id = $1 AND ga.application_id = $2
       ) reachable`,
      [tenantId, applicationId],
    );
    return Number(rows[0].total);
  }

  /** Inserts a direct assignment; undefined when it already existed (the primary key decides). */
  async assignToUser(tenantId: string, userId: string, applicationId: string, actor: string): Promise<Date | undefined> {
    const { rows } = await runSql<{ assigned_at: Date }>(
      this.dataSource,
      `INSERT INTO user_app_assignments (tenant_id, user_id, application_id, assigned_by)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING
       RETURNING assigned_at`,
      [tenantId, userId, applicationId, actor],
    );
    return rows[0]?.assigned_at;
  }

  async assignToGroup(tenantId: string, groupId: string, applicationId: string, actor: string): Promise<Date | undefined> {
    const { rows } = await runSql<{ assigned_at: Date }>(
      this.dataSource,
      `INSERT INTO group_app_assignments (tenant_id, group_id, application_id, assigned_by)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING
       RETURNING assigned_at`,
      [tenantId, groupId, applicationId, actor],
    );
    return rows[0]?.assigned_at;
  }

  /** Which of `applicationIds` exist in the tenant. */
  async existingApplications(manager: EntityManager, tenantId: string, applicationIds: string[]): Promise<Set<string>> {
    const { rows } = await runSql<{ id: string }>(
      manager,
      `SELECT id::text AS id FROM applications WHERE tenant_id = $1 AND id = ANY($2::uuid[]) FOR KEY SHARE`,
      [tenantId, applicationIds],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** Inserts the direct assignments that do not exist yet; returns the ids newly assigned. */
  async assignManyToUser(
    manager: EntityManager,
    tenantId: string,
    userId: string,
    applicationIds: string[],
    actor: string,
  ): Promise<Set<string>> {
    const { rows } = await runSql<{ application_id: string }>(
      manager,
      `INSERT INTO user_app_assignments (tenant_id, user_id, application_id, assigned_by)
       SELECT $1, $2, requested.id, $4 FROM unnest($3::uuid[]) AS requested(id)
        -- A fixed order, so concurrent overlapping bulk requests cannot deadlock.
        ORDER BY requested.id
       ON CONFLICT DO NOTHING
       RETURNING application_id::text AS application_id`,
      [tenantId, userId, applicationIds, actor],
    );
    return new Set(rows.map((row) => row.application_id));
  }

  async unassignFromUser(tenantId: string, userId: string, applicationId: string): Promise<boolean> {
    const { affected } = await runSql(
      this.dataSource,
      `DELETE FROM user_app_assignments WHERE tenant_id = $1 AND user_id = $2 AND application_id = $3`,
      [tenantId, userId, applicationId],
    );
    return affected === 1;
  }

  async unassignFromGroup(tenantId: string, groupId: string, applicationId: string): Promise<boolean> {
    const { affected } = await runSql(
      this.dataSource,
      `DELETE FROM group_app_assignments WHERE tenant_id = $1 AND group_id = $2 AND application_id = $3`,
      [tenantId, groupId, applicationId],
    );
    return affected === 1;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
