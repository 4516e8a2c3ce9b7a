import { Injectable } from '@nestjs/common';
import { EffectiveAccessRepository } from '../access/effective-access.repository';
import { locateIndexPage } from '../access/index-page';
import { ApplicationsErrors } from '../applications/applications.errors';
import { ChangeWriter } from '../changes/change-writer';
import type { Actor } from '../common/auth/principal';
import type { Tx } from '../common/database/transaction';
import type { RequestConsistency } from '../common/http/consistency';
import { offsetOf, Page, PageRequest } from '../common/http/page';
import { GroupsErrors } from '../groups/groups.errors';
import type { IdempotentRequest } from '../idempotency/idempotent-request';
import { UsersErrors } from '../users/users.errors';
import { UsersService } from '../users/users.service';
import { AssignmentsErrors } from './assignments.errors';
import { AssignmentsRepository } from './assignments.repository';
import { AppAssignment, ApplicationAssigneesResponse, UserAssignedAppsResponse } from './dto/app-assignment.dto';
import { toAppAssignment } from './dto/assignment.mapper';
import type {
  BulkAssignmentResult,
  EffectiveUser,
  GroupAssignmentCreated,
  UserAssignmentCreated,
} from './dto/assignment-results';
import { planEffectiveUsers } from './effective-users.plan';

/** A user, group or application deleted between the existence check and the write. */
const VIOLATIONS = { missingReference: AssignmentsErrors.goneMeanwhile };

@Injectable()
export class AssignmentsService {
  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly access: EffectiveAccessRepository,
    private readonly users: UsersService,
    private readonly changes: ChangeWriter,
  ) {}

  async userApplications(
    tenantId: string,
    userId: string,
    includeGroups: boolean,
    consistency?: RequestConsistency,
  ): Promise<UserAssignedAppsResponse> {
    const rows = await this.assignments.userApplications(tenantId, userId, includeGroups, consistency);
    if (!rows) throw UsersErrors.notFound.error();
    const applications = rows.map(toAppAssignment);
    return { user_id: userId, applications, total_count: applications.length };
  }

  async groupApplications(tenantId: string, groupId: string, consistency?: RequestConsistency): Promise<AppAssignment[]> {
    const rows = await this.assignments.groupApplications(tenantId, groupId, consistency);
    if (!rows) throw GroupsErrors.notFound.error();
    return rows.map(toAppAssignment);
  }

  async assignees(
    tenantId: string,
    applicationId: string,
    consistency?: RequestConsistency,
  ): Promise<ApplicationAssigneesResponse> {
    const row = await this.assignments.assignees(tenantId, applicationId, consistency);
    if (!row) throw ApplicationsErrors.notFound.error();
    return {
      application_id: applicationId,
      users: row.users,
      groups: row.groups,
      total_users: row.users.length,
      total_groups: row.groups.length,
    };
  }

  /**
   * From the effective-access index: its maintained count, then the page read from the end
   * of the index that is closer. While the application's index rows are being rebuilt (a
   * large fan-out in progress), from the source tables instead, so the answer is exact from
   * the request after the change on.
   */
  async effectiveUsers(
    tenantId: string,
    applicationId: string,
    page: PageRequest,
    consistency?: RequestConsistency,
  ): Promise<Page<EffectiveUser>> {
    const state = await this.access.state(tenantId, applicationId, consistency);
    if (!state) throw ApplicationsErrors.notFound.error();
    if (state.rebuilding) return this.effectiveUsersLive(tenantId, applicationId, page, consistency);
    const where = locateIndexPage(state.userCount, offsetOf(page), page.perPage);
    const rows = await this.access.page(tenantId, applicationId, where, consistency);
    return new Page(rows, page.page, page.perPage, state.userCount);
  }

  /**
   * The live plan: what the application's access is made of, then the count and the page in
   * parallel, each by the statement that suits that shape (see effective-users.plan.ts).
   */
  private async effectiveUsersLive(
    tenantId: string,
    applicationId: string,
    page: PageRequest,
    consistency: RequestConsistency | undefined,
  ): Promise<Page<EffectiveUser>> {
    const sources = await this.assignments.effectiveUserSources(tenantId, applicationId, consistency);
    if (!sources) throw ApplicationsErrors.notFound.error();
    const plan = planEffectiveUsers(sources, offsetOf(page), page.perPage);
    const [total, rows] = await Promise.all([
      this.assignments.effectiveUsersCount(tenantId, applicationId, plan.count, sources.tenantUsers, consistency),
      this.assignments.effectiveUsersPage(tenantId, applicationId, plan.page, page, consistency),
    ]);
    return new Page(rows, page.page, page.perPage, total);
  }

  async assignToUser(
    tenantId: string,
    userId: string,
    applicationId: string,
    actor: Actor,
    idempotency?: IdempotentRequest,
  ): Promise<UserAssignmentCreated> {
    const write = async (tx: Tx) => {
      const held = await this.assignments.holdForUserAssignment(tenantId, userId, applicationId, tx);
      if (!held.tenant || !held.user) throw UsersErrors.notFound.error();
      if (!held.application) throw ApplicationsErrors.notFound.error();
      const assignedAt = await this.assignments.assignToUser(tenantId, userId, applicationId, actor.subject, tx);
      if (!assignedAt) throw AssignmentsErrors.alreadyAssignedToUser.error();
      return {
        result: {
          user_id: userId,
          application_id: applicationId,
          assignment_type: 'direct' as const,
          assigned_at: assignedAt.toISOString(),
        },
        audit: {
          action: 'assignment.user_assigned' as const,
          target: { type: 'user' as const, id: userId },
          details: { application_id: applicationId },
        },
        events: [{ type: 'assignment.user_assigned' as const, data: { user_id: userId, application_id: applicationId } }],
      };
    };
    return this.changes.write(tenantId, actor, VIOLATIONS, write, { workHoldsTenant: true, idempotency });
  }

  async assignToGroup(
    tenantId: string,
    groupId: string,
    applicationId: string,
    actor: Actor,
    idempotency?: IdempotentRequest,
  ): Promise<GroupAssignmentCreated> {
    const write = async (tx: Tx) => {
      const held = await this.assignments.holdForGroupAssignment(tenantId, groupId, applicationId, tx);
      if (!held.tenant || !held.group) throw GroupsErrors.notFound.error();
      if (!held.application) throw ApplicationsErrors.notFound.error();
      const assignedAt = await this.assignments.assignToGroup(tenantId, groupId, applicationId, actor.subject, tx);
      if (!assignedAt) throw AssignmentsErrors.alreadyAssignedToGroup.error();
      return {
        result: {
          group_id: groupId,
          application_id: applicationId,
          assignment_type: 'group' as const,
          assigned_at: assignedAt.toISOString(),
        },
        audit: {
          action: 'assignment.group_assigned' as const,
          target: { type: 'group' as const, id: groupId },
          details: { application_id: applicationId },
        },
        events: [{ type: 'assignment.group_assigned' as const, data: { group_id: groupId, application_id: applicationId } }],
      };
    };
    return this.changes.write(tenantId, actor, VIOLATIONS, write, { workHoldsTenant: true, idempotency });
  }

  /**
   * All or nothing, in one transaction: any id unknown in the tenant is a 404 naming
   * it and nothing is written; ids already assigned are reported, not an error.
   */
  async bulkAssignToUser(
    tenantId: string,
    userId: string,
    applicationIds: string[],
    actor: Actor,
    idempotency?: IdempotentRequest,
  ): Promise<BulkAssignmentResult> {
    const requested = [...new Set(applicationIds)];
    const write = async (tx: Tx) => {
      // Within the write, so that a retry with an Idempotency-Key replays before anything is checked.
      await this.users.assertExists(tenantId, userId, tx);
      const existing = await this.assignments.existingApplications(tenantId, requested, tx);
      const missing = requested.filter((id) => !existing.has(id));
      if (missing.length > 0) throw AssignmentsErrors.applicationsNotFound.error(missing);
      const inserted = await this.assignments.assignManyToUser(tenantId, userId, requested, actor.subject, tx);
      const assigned = requested.filter((id) => inserted.has(id));
      return {
        result: {
          user_id: userId,
          assigned,
          already_assigned: requested.filter((id) => !inserted.has(id)),
          assigned_count: assigned.length,
        },
        audit:
          assigned.length > 0
            ? {
                action: 'assignment.user_bulk_assigned' as const,
                target: { type: 'user' as const, id: userId },
                details: { application_ids: assigned },
              }
            : undefined,
        // One event per application newly assigned: consumers handle one shape, whatever the endpoint.
        events: assigned.map((applicationId) => ({
          type: 'assignment.user_assigned' as const,
          data: { user_id: userId, application_id: applicationId },
        })),
      };
    };
    return this.changes.write(tenantId, actor, VIOLATIONS, write, { idempotency });
  }

  unassignFromUser(tenantId: string, userId: string, applicationId: string, actor: Actor): Promise<void> {
    return this.changes.write(tenantId, actor, {}, async (tx) => {
      if (!(await this.assignments.unassignFromUser(tenantId, userId, applicationId, tx))) {
        throw AssignmentsErrors.notAssignedToUser.error();
      }
      return {
        result: undefined,
        audit: {
          action: 'assignment.user_unassigned',
          target: { type: 'user', id: userId },
          details: { application_id: applicationId },
        },
        events: [{ type: 'assignment.user_unassigned', data: { user_id: userId, application_id: applicationId } }],
      };
    });
  }

  unassignFromGroup(tenantId: string, groupId: string, applicationId: string, actor: Actor): Promise<void> {
    return this.changes.write(tenantId, actor, {}, async (tx) => {
      if (!(await this.assignments.unassignFromGroup(tenantId, groupId, applicationId, tx))) {
        throw AssignmentsErrors.notAssignedToGroup.error();
      }
      return {
        result: undefined,
        audit: {
          action: 'assignment.group_unassigned',
          target: { type: 'group', id: groupId },
          details: { application_id: applicationId },
        },
        events: [{ type: 'assignment.group_unassigned', data: { group_id: groupId, application_id: applicationId } }],
      };
    });
  }
}
