import { Injectable } from '@nestjs/common';
import { Dummy, FIRST_PAGE, GenerateSql } from '../common/database/generate-sql';
import { type Queryable, runSql } from '../common/database/run-sql';
import type { Tx } from '../common/database/transaction';
import type { RequestConsistency } from '../common/http/consistency';
import { offsetOf, PageRequest } from '../common/http/page';
import { ReadRouter } from '../replicas/read-router';
import {
  ASSIGNEES_SQL,
  EFFECTIVE_USERS_BESIDE_LARGEST_GROUP_SQL,
  EFFECTIVE_USERS_COUNT_BY_UNION_SQL,
  EFFECTIVE_USERS_PAGE_BY_COLLECTING_SQL,
  EFFECTIVE_USERS_PAGE_BY_WALKING_SQL,
  EFFECTIVE_USERS_PAGE_OF_ALL_USERS_SQL,
  EFFECTIVE_USERS_SOURCES_SQL,
  GROUP_APPLICATIONS_SQL,
  USER_APPLICATIONS_SQL,
} from './assignments.sql';
import type { AssignmentType } from './dto/app-assignment.dto';
import type { EffectiveUser } from './dto/assignment-results';
import type { CountStrategy, EffectiveUserSources, PageStrategy } from './effective-users.plan';

const PAGE_STATEMENTS: Record<Exclude<PageStrategy, 'empty'>, string> = {
  'all-users': EFFECTIVE_USERS_PAGE_OF_ALL_USERS_SQL,
  walking: EFFECTIVE_USERS_PAGE_BY_WALKING_SQL,
  collecting: EFFECTIVE_USERS_PAGE_BY_COLLECTING_SQL,
};

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

/** Which of the rows a write refers to are there, now held for the rest of its transaction. */
export interface Held {
  tenant: boolean;
  user?: boolean;
  group?: boolean;
  application?: boolean;
}

/** The row a list read returns when its user or group exists but has nothing assigned. */
type NullRow = { [K in keyof AssignmentRow]: null };

/** undefined: the user or group does not exist (no row at all). */
function assignmentsOf(rows: Array<AssignmentRow | NullRow>): AssignmentRow[] | undefined {
  if (rows.length === 0) return undefined;
  return rows.filter((row): row is AssignmentRow => row.application_id !== null);
}

async function total(source: Queryable, sql: string, parameters: unknown[]): Promise<number> {
  const { rows } = await runSql<{ total: string }>(source, sql, parameters);
  return Number(rows[0].total);
}

/**
 * The App Assignments set queries and writes. Each read is one parameterised statement
 * (plus one for a total), every statement filters on tenant_id, and each is backed by
 * an index (see the migrations).
 */
@Injectable()
export class AssignmentsRepository {
  constructor(private readonly reads: ReadRouter) {}

  /**
   * A user's applications: direct ∪ through groups, one row per application. A direct
   * assignment wins; otherwise the group whose assignment is oldest (ties: smallest
   * group id). Ordered by application name, then id.
   */
  @GenerateSql({ params: [Dummy.tenant, Dummy.user, true] })
  async userApplications(
    tenantId: string,
    userId: string,
    includeGroups: boolean,
    consistency?: RequestConsistency,
  ): Promise<AssignmentRow[] | undefined> {
    const { rows } = await runSql<AssignmentRow | NullRow>(this.reads.for('assignments', consistency), USER_APPLICATIONS_SQL, [
      tenantId,
      userId,
      includeGroups,
    ]);
    return assignmentsOf(rows);
  }

  /** A group's assignments, ordered by application name, then id. */
  @GenerateSql({ params: [Dummy.tenant, Dummy.group] })
  async groupApplications(
    tenantId: string,
    groupId: string,
    consistency?: RequestConsistency,
  ): Promise<AssignmentRow[] | undefined> {
    const { rows } = await runSql<AssignmentRow | NullRow>(this.reads.for('assignments', consistency), GROUP_APPLICATIONS_SQL, [
      tenantId,
      groupId,
    ]);
    return assignmentsOf(rows);
  }

  /** Directly assigned users and assigned groups, oldest assignment first, ties by id. */
  @GenerateSql({ params: [Dummy.tenant, Dummy.application] })
  async assignees(tenantId: string, applicationId: string, consistency?: RequestConsistency): Promise<AssigneesRow | undefined> {
    const { rows } = await runSql<AssigneesRow & { application_exists: boolean }>(
      this.reads.for('assignees', consistency),
      ASSIGNEES_SQL,
      [tenantId, applicationId],
    );
    return rows[0].application_exists ? rows[0] : undefined;
  }

  /** Whether the application exists, and what its effective users are made of. */
  @GenerateSql({ params: [Dummy.tenant, Dummy.application] })
  async effectiveUserSources(
    tenantId: string,
    applicationId: string,
    consistency?: RequestConsistency,
  ): Promise<EffectiveUserSources | undefined> {
    const { rows } = await runSql<{
      application_exists: boolean;
      tenant_users: number | null;
      direct_users: string;
      groups: Array<{ group_id: string; members: number }>;
    }>(this.reads.for('effective_users', consistency), EFFECTIVE_USERS_SOURCES_SQL, [tenantId, applicationId]);
    const row = rows[0];
    if (!row.application_exists) return undefined;
    return {
      tenantUsers: Number(row.tenant_users ?? 0),
      directUsers: Number(row.direct_users),
      groups: row.groups.map((group) => ({ groupId: group.group_id, members: Number(group.members) })),
    };
  }

  /** How many distinct users can use the application, counted the way the plan says. */
  @GenerateSql(
    { name: 'union', params: [Dummy.tenant, Dummy.application, { kind: 'union' }, 0] },
    {
      name: 'beside the largest group',
      params: [Dummy.tenant, Dummy.application, { kind: 'beside-largest-group', groupId: Dummy.group, members: 1 }, 0],
    },
  )
  async effectiveUsersCount(
    tenantId: string,
    applicationId: string,
    strategy: CountStrategy,
    tenantUsers: number,
    consistency?: RequestConsistency,
  ): Promise<number> {
    switch (strategy.kind) {
      case 'none':
        return 0;
      case 'everyone':
        return tenantUsers;
      case 'union':
        return total(this.reads.for('effective_users', consistency), EFFECTIVE_USERS_COUNT_BY_UNION_SQL, [
          tenantId,
          applicationId,
        ]);
      case 'beside-largest-group':
        return (
          strategy.members +
          (await total(this.reads.for('effective_users', consistency), EFFECTIVE_USERS_BESIDE_LARGEST_GROUP_SQL, [
            tenantId,
            applicationId,
            strategy.groupId,
          ]))
        );
    }
  }

  /**
   * One page of the users who can use the application, each once, ordered by email then
   * id, with `direct` and the sorted `via_groups`, found the way the plan says.
   */
  @GenerateSql(
    { name: 'all users', params: [Dummy.tenant, Dummy.application, 'all-users', FIRST_PAGE] },
    { name: 'walking', params: [Dummy.tenant, Dummy.application, 'walking', FIRST_PAGE] },
    { name: 'collecting', params: [Dummy.tenant, Dummy.application, 'collecting', FIRST_PAGE] },
  )
  async effectiveUsersPage(
    tenantId: string,
    applicationId: string,
    strategy: PageStrategy,
    page: PageRequest,
    consistency?: RequestConsistency,
  ): Promise<EffectiveUser[]> {
    if (strategy === 'empty') return [];
    const { rows } = await runSql<EffectiveUser>(this.reads.for('effective_users', consistency), PAGE_STATEMENTS[strategy], [
      tenantId,
      applicationId,
      page.perPage,
      offsetOf(page),
    ]);
    return rows;
  }

  /**
   * Holds, for the rest of a direct assignment, the tenant, the user and the application
   * (KEY SHARE: assignments do not wait for each other; their deletions wait for them), and
   * says which of them are there (and not being deleted).
   */
  @GenerateSql({ params: [Dummy.tenant, Dummy.otherUser, Dummy.application, Dummy.tx] })
  async holdForUserAssignment(tenantId: string, userId: string, applicationId: string, tx: Tx): Promise<Held> {
    const { rows } = await runSql<Held>(
      tx,
      `SELECT EXISTS (SELECT 1 FROM tenants WHERE id = $1 AND deletion_requested_at IS NULL FOR KEY SHARE) AS tenant,
              EXISTS (SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2 FOR KEY SHARE) AS user,
              EXISTS (SELECT 1 FROM applications WHERE tenant_id = $1 AND id = $3 AND deletion_requested_at IS NULL FOR KEY SHARE) AS application`,
      [tenantId, userId, applicationId],
    );
    return rows[0];
  }

  /**
   * Holds, for the rest of a group assignment, the tenant and the application (KEY SHARE)
   * and the group (FOR UPDATE, which its assignment's trigger needs: taken here at once, two
   * identical assignments cannot each wait for the other), and says which are there.
   */
  @GenerateSql({ params: [Dummy.tenant, Dummy.group, Dummy.otherApplication, Dummy.tx] })
  async holdForGroupAssignment(tenantId: string, groupId: string, applicationId: string, tx: Tx): Promise<Held> {
    const { rows } = await runSql<Held>(
      tx,
      `SELECT EXISTS (SELECT 1 FROM tenants WHERE id = $1 AND deletion_requested_at IS NULL FOR KEY SHARE) AS tenant,
              EXISTS (SELECT 1 FROM groups WHERE tenant_id = $1 AND id = $2 AND deletion_requested_at IS NULL FOR UPDATE) AS group,
              EXISTS (SELECT 1 FROM applications WHERE tenant_id = $1 AND id = $3 AND deletion_requested_at IS NULL FOR KEY SHARE) AS application`,
      [tenantId, groupId, applicationId],
    );
    return rows[0];
  }

  /** Inserts a direct assignment; undefined when it already existed (the primary key decides). */
  @GenerateSql({ params: [Dummy.tenant, Dummy.otherUser, Dummy.application, 'alice', Dummy.tx] })
  async assignToUser(tenantId: string, userId: string, applicationId: string, actor: string, tx: Tx): Promise<Date | undefined> {
    const { rows } = await runSql<{ assigned_at: Date }>(
      tx,
      `INSERT INTO user_app_assignments (tenant_id, user_id, application_id, assigned_by)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING
       RETURNING assigned_at`,
      [tenantId, userId, applicationId, actor],
    );
    return rows[0]?.assigned_at;
  }

  /** Inserts a group assignment; undefined when it already existed. */
  @GenerateSql({ params: [Dummy.tenant, Dummy.group, Dummy.otherApplication, 'alice', Dummy.tx] })
  async assignToGroup(
    tenantId: string,
    groupId: string,
    applicationId: string,
    actor: string,
    tx: Tx,
  ): Promise<Date | undefined> {
    const { rows } = await runSql<{ assigned_at: Date }>(
      tx,
      `INSERT INTO group_app_assignments (tenant_id, group_id, application_id, assigned_by)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING
       RETURNING assigned_at`,
      [tenantId, groupId, applicationId, actor],
    );
    return rows[0]?.assigned_at;
  }

  /** Which of `applicationIds` exist in the tenant, locked against deletion until the transaction ends. */
  @GenerateSql({ params: [Dummy.tenant, [Dummy.application, Dummy.otherApplication], Dummy.tx] })
  async existingApplications(tenantId: string, applicationIds: string[], tx: Tx): Promise<Set<string>> {
    const { rows } = await runSql<{ id: string }>(
      tx,
      `SELECT id::text AS id FROM applications
        WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND deletion_requested_at IS NULL
          FOR KEY SHARE`,
      [tenantId, applicationIds],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** Inserts the direct assignments that do not exist yet; returns the ids newly assigned. */
  @GenerateSql({ params: [Dummy.tenant, Dummy.otherUser, [Dummy.application, Dummy.otherApplication], 'alice', Dummy.tx] })
  async assignManyToUser(
    tenantId: string,
    userId: string,
    applicationIds: string[],
    actor: string,
    tx: Tx,
  ): Promise<Set<string>> {
    const { rows } = await runSql<{ application_id: string }>(
      tx,
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

  /** Deletes a direct assignment; false when there was none (or its application is being deleted). */
  @GenerateSql({ params: [Dummy.tenant, Dummy.user, Dummy.application, Dummy.tx] })
  async unassignFromUser(tenantId: string, userId: string, applicationId: string, tx: Tx): Promise<boolean> {
    const { affected } = await runSql(
      tx,
      `DELETE FROM user_app_assignments ua
        WHERE ua.tenant_id = $1 AND ua.user_id = $2 AND ua.application_id = $3
          AND EXISTS (SELECT 1 FROM applications a WHERE a.tenant_id = $1 AND a.id = $3 AND a.deletion_requested_at IS NULL)`,
      [tenantId, userId, applicationId],
    );
    return affected === 1;
  }

  /** Deletes a group assignment; false when there was none. */
  @GenerateSql({ params: [Dummy.tenant, Dummy.group, Dummy.application, Dummy.tx] })
  async unassignFromGroup(tenantId: string, groupId: string, applicationId: string, tx: Tx): Promise<boolean> {
    const { affected } = await runSql(
      tx,
      `DELETE FROM group_app_assignments WHERE tenant_id = $1 AND group_id = $2 AND application_id = $3`,
      [tenantId, groupId, applicationId],
    );
    return affected === 1;
  }
}
