import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApplicationsErrors } from '../applications/applications.errors';
import { CurrentPrincipal, RequireScopes, TenantId, TenantScoped } from '../common/auth/decorators';
import { Principal } from '../common/auth/principal';
import { Scope } from '../common/auth/scopes';
import { Endpoint } from '../common/http/api-docs';
import { ReadConsistency, RequestConsistency } from '../common/http/consistency';
import { ApiListResponseEnvelope, ApiResponseEnvelope, PaginatedResponseEnvelope } from '../common/http/envelopes';
import { Page } from '../common/http/page';
import { PaginationQueryDto } from '../common/http/pagination-query.dto';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { GroupsErrors } from '../groups/groups.errors';
import { IdempotencyKey, IdempotentRequest } from '../idempotency/idempotent-request';
import { UsersErrors } from '../users/users.errors';
import { AssignmentsErrors } from './assignments.errors';
import { AssignmentsService } from './assignments.service';
import { AppAssignment, ApplicationAssigneesResponse, UserAssignedAppsResponse } from './dto/app-assignment.dto';
import { AssignmentCreate, BulkAssignmentCreate } from './dto/assignment-create.dto';
import {
  BULK_ASSIGNMENT_RESULT_EXAMPLE,
  type BulkAssignmentResult,
  type EffectiveUser,
  GROUP_ASSIGNMENT_CREATED_EXAMPLE,
  type GroupAssignmentCreated,
  type UserAssignmentCreated,
} from './dto/assignment-results';
import { UserApplicationsQueryDto } from './dto/user-applications-query.dto';

/**
 * The nine operations of the published App Assignments reference, path for path. The three
 * POSTs take an Idempotency-Key like every POST that creates or assigns; it is documented in
 * the API description rather than on these operations, whose parameters and statuses are the
 * reference's exactly.
 */
@ApiTags('App Assignments')
@TenantScoped()
@Controller('api/v1/tenants/:tenant_id')
export class AssignmentsController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Get('applications/:application_id/assignees')
  @RequireScopes(Scope.AssignmentsRead)
  @Endpoint({
    summary: 'Get Application Assignees',
    description: 'Get all users and groups assigned to an application.',
    status: 200,
    response: ApiResponseEnvelope(ApplicationAssigneesResponse),
    errors: [ApplicationsErrors.notFound],
  })
  getApplicationAssignees(
    @TenantId() tenantId: string,
    @Param('application_id', UuidParamPipe) applicationId: string,
    @ReadConsistency() consistency: RequestConsistency,
  ): Promise<ApplicationAssigneesResponse> {
    return this.assignments.assignees(tenantId, applicationId, consistency);
  }

  @Get('applications/:application_id/effective-users')
  @RequireScopes(Scope.AssignmentsRead)
  @Endpoint({
    summary: 'Get Application Effective Users',
    description:
      'Get all users who have access to an application.\n\nThis includes both directly assigned users and users who have access via group membership.',
    status: 200,
    response: PaginatedResponseEnvelope('dict'),
    errors: [ApplicationsErrors.notFound],
  })
  getApplicationEffectiveUsers(
    @TenantId() tenantId: string,
    @Param('application_id', UuidParamPipe) applicationId: string,
    @Query() query: PaginationQueryDto,
    @ReadConsistency() consistency: RequestConsistency,
  ): Promise<Page<EffectiveUser>> {
    return this.assignments.effectiveUsers(tenantId, applicationId, query.toPageRequest(), consistency);
  }

  @Get('groups/:group_id/applications')
  @RequireScopes(Scope.AssignmentsRead)
  @Endpoint({
    summary: 'Get Group Applications',
    description: 'Get all applications assigned to a group.',
    status: 200,
    response: ApiListResponseEnvelope(AppAssignment),
    errors: [GroupsErrors.notFound],
  })
  getGroupApplications(
    @TenantId() tenantId: string,
    @Param('group_id', UuidParamPipe) groupId: string,
    @ReadConsistency() consistency: RequestConsistency,
  ): Promise<AppAssignment[]> {
    return this.assignments.groupApplications(tenantId, groupId, consistency);
  }

  @Post('groups/:group_id/applications')
  @RequireScopes(Scope.AssignmentsWrite)
  @Endpoint({
    summary: 'Assign Application To Group',
    description: 'Assign an application to a group.',
    status: 201,
    response: ApiResponseEnvelope('dict'),
    example: GROUP_ASSIGNMENT_CREATED_EXAMPLE,
    errors: [
      GroupsErrors.notFound,
      ApplicationsErrors.notFound,
      AssignmentsErrors.goneMeanwhile,
      AssignmentsErrors.alreadyAssignedToGroup,
    ],
  })
  assignApplicationToGroup(
    @TenantId() tenantId: string,
    @Param('group_id', UuidParamPipe) groupId: string,
    @CurrentPrincipal() actor: Principal,
    @Body() body: AssignmentCreate,
    @IdempotencyKey() idempotency: IdempotentRequest | undefined,
  ): Promise<GroupAssignmentCreated> {
    return this.assignments.assignToGroup(tenantId, groupId, body.application_id, actor, idempotency);
  }

  @Delete('groups/:group_id/applications/:application_id')
  @RequireScopes(Scope.AssignmentsWrite)
  @Endpoint({
    summary: 'Unassign Application From Group',
    description: 'Remove an application assignment from a group.',
    status: 204,
    errors: [AssignmentsErrors.notAssignedToGroup],
  })
  unassignApplicationFromGroup(
    @TenantId() tenantId: string,
    @Param('group_id', UuidParamPipe) groupId: string,
    @Param('application_id', UuidParamPipe) applicationId: string,
    @CurrentPrincipal() actor: Principal,
  ): Promise<void> {
    return this.assignments.unassignFromGroup(tenantId, groupId, applicationId, actor);
  }

  @Get('users/:user_id/applications')
  @RequireScopes(Scope.AssignmentsRead)
  @Endpoint({
    summary: 'Get User Applications',
    description:
      'Get all applications assigned to a user.\n\nReturns both directly assigned applications and those assigned via group membership.',
    status: 200,
    response: ApiResponseEnvelope(UserAssignedAppsResponse),
    errors: [UsersErrors.notFound],
  })
  getUserApplications(
    @TenantId() tenantId: string,
    @Param('user_id', UuidParamPipe) userId: string,
    @Query() query: UserApplicationsQueryDto,
    @ReadConsistency() consistency: RequestConsistency,
  ): Promise<UserAssignedAppsResponse> {
    return this.assignments.userApplications(tenantId, userId, query.include_group_assignments, consistency);
  }

  @Post('users/:user_id/applications')
  @RequireScopes(Scope.AssignmentsWrite)
  @Endpoint({
    summary: 'Assign Application To User',
    description: 'Assign an application to a user.',
    status: 201,
    response: ApiResponseEnvelope('dict'),
    errors: [
      UsersErrors.notFound,
      ApplicationsErrors.notFound,
      AssignmentsErrors.goneMeanwhile,
      AssignmentsErrors.alreadyAssignedToUser,
    ],
  })
  assignApplicationToUser(
    @TenantId() tenantId: string,
    @Param('user_id', UuidParamPipe) userId: string,
    @CurrentPrincipal() actor: Principal,
    @Body() body: AssignmentCreate,
    @IdempotencyKey() idempotency: IdempotentRequest | undefined,
  ): Promise<UserAssignmentCreated> {
    return this.assignments.assignToUser(tenantId, userId, body.application_id, actor, idempotency);
  }

  @Post('users/:user_id/applications/bulk')
  @RequireScopes(Scope.AssignmentsWrite)
  @Endpoint({
    summary: 'Bulk Assign Applications To User',
    description: 'Assign multiple applications to a user at once.',
    status: 201,
    response: ApiResponseEnvelope('dict'),
    example: BULK_ASSIGNMENT_RESULT_EXAMPLE,
    errors: [UsersErrors.notFound, AssignmentsErrors.applicationsNotFound, AssignmentsErrors.goneMeanwhile],
  })
  bulkAssignApplicationsToUser(
    @TenantId() tenantId: string,
    @Param('user_id', UuidParamPipe) userId: string,
    @CurrentPrincipal() actor: Principal,
    @Body() body: BulkAssignmentCreate,
    @IdempotencyKey() idempotency: IdempotentRequest | undefined,
  ): Promise<BulkAssignmentResult> {
    return this.assignments.bulkAssignToUser(tenantId, userId, body.application_ids, actor, idempotency);
  }

  @Delete('users/:user_id/applications/:application_id')
  @RequireScopes(Scope.AssignmentsWrite)
  @Endpoint({
    summary: 'Unassign Application From User',
    description: 'Remove an application assignment from a user.',
    status: 204,
    errors: [AssignmentsErrors.notAssignedToUser],
  })
  unassignApplicationFromUser(
    @TenantId() tenantId: string,
    @Param('user_id', UuidParamPipe) userId: string,
    @Param('application_id', UuidParamPipe) applicationId: string,
    @CurrentPrincipal() actor: Principal,
  ): Promise<void> {
    return this.assignments.unassignFromUser(tenantId, userId, applicationId, actor);
  }
}
