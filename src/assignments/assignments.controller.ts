import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../audit/actor';
import { RequireScopes } from '../common/auth/decorators';
import { Scope } from '../common/auth/scopes';
import { Endpoint } from '../common/http/api-docs';
import { ApiListResponseEnvelope, ApiResponseEnvelope, PaginatedResponseEnvelope } from '../common/http/envelopes';
import { Page } from '../common/http/page';
import { PaginationQueryDto } from '../common/http/pagination-query.dto';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
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

/** The nine operations of the published App Assignments reference, path for path. */
@ApiTags('App Assignments')
@ApiBearerAuth()
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
    errors: [404],
  })
  getApplicationAssignees(
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('application_id', UuidParamPipe) applicationId: string,
  ): Promise<ApplicationAssigneesResponse> {
    return this.assignments.assignees(tenantId, applicationId);
  }

  @Get('applications/:application_id/effective-users')
  @RequireScopes(Scope.AssignmentsRead)
  @Endpoint({
    summary: 'Get Application Effective Users',
    description:
      'Get all users who have access to an application.\n\nThis includes both directly assigned users and users who have access via group membership.',
    status: 200,
    response: PaginatedResponseEnvelope('dict'),
    errors: [404],
  })
  getApplicationEffectiveUsers(
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('application_id', UuidParamPipe) applicationId: string,
    @Query() query: PaginationQueryDto,
  ): Promise<Page<EffectiveUser>> {
    return this.assignments.effectiveUsers(tenantId, applicationId, query.toPageRequest());
  }

  @Get('groups/:group_id/applications')
  @RequireScopes(Scope.AssignmentsRead)
  @Endpoint({
    summary: 'Get Group Applications',
    description: 'Get all applications assigned to a group.',
    status: 200,
    response: ApiListResponseEnvelope(AppAssignment),
    errors: [404],
  })
  getGroupApplications(
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('group_id', UuidParamPipe) groupId: string,
  ): Promise<AppAssignment[]> {
    return this.assignments.groupApplications(tenantId, groupId);
  }

  @Post('groups/:group_id/applications')
  @RequireScopes(Scope.AssignmentsWrite)
  @Endpoint({
    summary: 'Assign Application To Group',
    description: 'Assign an application to a group.',
    status: 201,
    response: ApiResponseEnvelope('dict'),
    example: GROUP_ASSIGNMENT_CREATED_EXAMPLE,
    errors: [404, 409],
  })
  assignApplicationToGroup(
    @CurrentActor() actor: Actor,
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('group_id', UuidParamPipe) groupId: string,
    @Body() body: AssignmentCreate,
  ): Promise<GroupAssignmentCreated> {
    return this.assignments.assignToGroup(actor, tenantId, groupId, body.application_id);
  }

  @Delete('groups/:group_id/applications/:application_id')
  @RequireScopes(Scope.AssignmentsWrite)
  @Endpoint({
    summary: 'Unassign Application From Group',
    description: 'Remove an application assignment from a group.',
    status: 204,
    errors: [404],
  })
  unassignApplicationFromGroup(
    @CurrentActor() actor: Actor,
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('group_id', UuidParamPipe) groupId: string,
    @Param('application_id', UuidParamPipe) applicationId: string,
  ): Promise<void> {
    return this.assignments.unassignFromGroup(actor, tenantId, groupId, applicationId);
  }

  @Get('users/:user_id/applications')
  @RequireScopes(Scope.AssignmentsRead)
  @Endpoint({
    summary: 'Get User Applications',
    description:
      'Get all applications assigned to a user.\n\nReturns both directly assigned applications and those assigned via group membership.',
    status: 200,
    response: ApiResponseEnvelope(UserAssignedAppsResponse),
    errors: [404],
  })
  getUserApplications(
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('user_id', UuidParamPipe) userId: string,
    @Query() query: UserApplicationsQueryDto,
  ): Promise<UserAssignedAppsResponse> {
    return this.assignments.userApplications(tenantId, userId, query.include_group_assignments);
  }

  @Post('users/:user_id/applications')
  @RequireScopes(Scope.AssignmentsWrite)
  @Endpoint({
    summary: 'Assign Application To User',
    description: 'Assign an application to a user.',
    status: 201,
    response: ApiResponseEnvelope('dict'),
    errors: [404, 409],
  })
  assignApplicationToUser(
    @CurrentActor() actor: Actor,
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('user_id', UuidParamPipe) userId: string,
    @Body() body: AssignmentCreate,
  ): Promise<UserAssignmentCreated> {
    return this.assignments.assignToUser(actor, tenantId, userId, body.application_id);
  }

  @Post('users/:user_id/applications/bulk')
  @RequireScopes(Scope.AssignmentsWrite)
  @Endpoint({
    summary: 'Bulk Assign Applications To User',
    description: 'Assign multiple applications to a user at once.',
    status: 201,
    response: ApiResponseEnvelope('dict'),
    example: BULK_ASSIGNMENT_RESULT_EXAMPLE,
    errors: [404],
  })
  bulkAssignApplicationsToUser(
    @CurrentActor() actor: Actor,
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('user_id', UuidParamPipe) userId: string,
    @Body() body: BulkAssignmentCreate,
  ): Promise<BulkAssignmentResult> {
    return this.assignments.bulkAssignToUser(actor, tenantId, userId, body.application_ids);
  }

  @Delete('users/:user_id/applications/:application_id')
  @RequireScopes(Scope.AssignmentsWrite)
  @Endpoint({
    summary: 'Unassign Application From User',
    description: 'Remove an application assignment from a user.',
    status: 204,
    errors: [404],
  })
  unassignApplicationFromUser(
    @CurrentActor() actor: Actor,
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('user_id', UuidParamPipe) userId: string,
    @Param('application_id', UuidParamPipe) applicationId: string,
  ): Promise<void> {
    return this.assignments.unassignFromUser(actor, tenantId, userId, applicationId);
  }
}
