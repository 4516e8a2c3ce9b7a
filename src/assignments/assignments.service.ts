import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ApplicationsService } from '../applications/applications.service';
import type { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { inTransaction } from '../common/database/transaction';
import { offsetOf, Page, PageRequest } from '../common/http/page';
import { GroupsService } from '../groups/groups.service';
import { UsersService } from '../users/users.service';
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

@Injectable()
export class AssignmentsService {
  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly users: UsersService,
    private readonly groups: GroupsService,
    private readonly applications: ApplicationsService,
    private readonly audit: AuditService,
  ) {}

  async userApplications(tenantId: string, userId: string, includeGroups: boolean): Promise<UserAssignedAppsResponse> {
    const rows = await this.assignments.userApplications(tenantId, userId, includeGroups);
    if (!rows) throw new NotFoundException('User not found');
    const applications = rows.map(toAppAssignment);
    return { user_id: userId, applications, total_count: applications.length };
  }

  async groupApplications(tenantId: string, groupId: string): Promise<AppAssignment[]> {
    const rows = await this.assignments.groupApplications(tenantId, groupId);
    if (!rows) throw new NotFoundException('Group not found');
    return rows.map(toAppAssignment);
  }

  async assignees(tenantId: string, applicationId: string): Promise<ApplicationAssigneesResponse> {
    const row = await this.assignments.assignees(tenantId, applicationId);
    if (!row) throw new NotFoundException('Application not found');
    return {
      application_id: applicationId,
      users: row.users,
      groups: row.groups,
      total_users: row.users.length,
      total_groups: row.groups.length,
    };
  }

  /**
   * Two round trips: what the application's access is made of, then the count and the page
   * in parallel, each by the statement that suits that shape (see effective-users.plan.ts).
   */
  async effectiveUsers(tenantId: string, applicationId: string, page: PageRequest): Promise<Page<EffectiveUser>> {
    const sources = await this.assignments.effectiveUserSources(tenantId, applicationId);
    if (!sources) throw new NotFoundException('Application not found');
    const plan = planEffectiveUsers(sources, offsetOf(page), page.perPage);
    const [total, rows] = await Promise.all([
      this.assignments.effectiveUsersCount(tenantId, applicationId, plan.count, sources.tenantUsers),
      this.assignments.effectiveUsersPage(tenantId, applicationId, plan.page, page),
    ]);
    return new Page(rows, page.page, page.perPage, total);
  }

  async assignToUser(actor: Actor, tenantId: string, userId: string, applicationId: string): Promise<UserAssignmentCreated> {
    await Promise.all([this.users.assertExists(tenantId, userId), this.applications.assertExists(tenantId, applicationId)]);
    const assignedAt = await this.write(async (manager) => {
      const at = await this.assignments.assignToUser(tenantId, userId, applicationId, actor.subject, manager);
      if (!at) throw new ConflictException('Application is already assigned to this user');
      await this.audit.record(
        manager,
        tenantId,
        actor,
        'assignment.user_assigned',
        { type: 'user', id: userId },
        { application_id: applicationId },
      );
      return at;
    });
    return { user_id: userId, application_id: applicationId, assignment_type: 'direct', assigned_at: assignedAt.toISOString() };
  }

  async assignToGroup(actor: Actor, tenantId: string, groupId: string, applicationId: string): Promise<GroupAssignmentCreated> {
    await Promise.all([this.groups.assertExists(tenantId, groupId), this.applications.assertExists(tenantId, applicationId)]);
    const assignedAt = await this.write(async (manager) => {
      const at = await this.assignments.assignToGroup(tenantId, groupId, applicationId, actor.subject, manager);
      if (!at) throw new ConflictException('Application is already assigned to this group');
      await this.audit.record(
        manager,
        tenantId,
        actor,
        'assignment.group_assigned',
        { type: 'group', id: groupId },
        { application_id: applicationId },
      );
      return at;
    });
    return { group_id: groupId, application_id: applicationId, assignment_type: 'group', assigned_at: assignedAt.toISOString() };
  }

  /**
   * All or nothing, in one transaction: any id unknown in the tenant is a 404 naming
   * it and nothing is written; ids already assigned are reported, not an error.
   */
  async bulkAssignToUser(
    actor: Actor,
    tenantId: string,
    userId: string,
    applicationIds: string[],
  ): Promise<BulkAssignmentResult> {
    const requested = [...new Set(applicationIds.map((id) => id.toLowerCase()))];
    await this.users.assertExists(tenantId, userId);
    const newly = await this.write(async (manager) => {
      const existing = await this.assignments.existingApplications(manager, tenantId, requested);
      const missing = requested.filter((id) => !existing.has(id));
      if (missing.length > 0) throw new NotFoundException(`Applications not found: ${missing.join(', ')}`);
      const inserted = await this.assignments.assignManyToUser(manager, tenantId, userId, requested, actor.subject);
      const assignedIds = requested.filter((id) => inserted.has(id));
      if (assignedIds.length > 0) {
        await this.audit.record(
          manager,
          tenantId,
          actor,
          'assignment.user_bulk_assigned',
          { type: 'user', id: userId },
          {
            application_ids: assignedIds,
          },
        );
      }
      return assignedIds;
    });
    const assigned = new Set(newly);
    return {
      user_id: userId,
      assigned: newly,
      already_assigned: requested.filter((id) => !assigned.has(id)),
      assigned_count: newly.length,
    };
  }

  async unassignFromUser(actor: Actor, tenantId: string, userId: string, applicationId: string): Promise<void> {
    await this.write(async (manager) => {
      if (!(await this.assignments.unassignFromUser(tenantId, userId, applicationId, manager))) {
        throw new NotFoundException('Application is not assigned to this user');
      }
      await this.audit.record(
        manager,
        tenantId,
        actor,
        'assignment.user_unassigned',
        { type: 'user', id: userId },
        { application_id: applicationId },
      );
    });
  }

  async unassignFromGroup(actor: Actor, tenantId: string, groupId: string, applicationId: string): Promise<void> {
    await this.write(async (manager) => {
      if (!(await this.assignments.unassignFromGroup(tenantId, groupId, applicationId, manager))) {
        throw new NotFoundException('Application is not assigned to this group');
      }
      await this.audit.record(
        manager,
        tenantId,
        actor,
        'assignment.group_unassigned',
        { type: 'group', id: groupId },
        { application_id: applicationId },
      );
    });
  }

  /**
   * One transaction for the change and its audit event. A user, group or application
   * deleted between the existence check and the write is a 404.
   */
  private write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return inTransaction(this.assignments, work, { missingReference: 'User, group or application not found' });
  }
}
