import { Body, Controller, Delete, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, RequireScopes, TenantId, TenantScoped } from '../common/auth/decorators';
import { Principal } from '../common/auth/principal';
import { Scope } from '../common/auth/scopes';
import { noContentOrAccepted } from '../common/http/accepted';
import { Endpoint } from '../common/http/api-docs';
import { ReadConsistency, RequestConsistency } from '../common/http/consistency';
import { ApiResponseEnvelope, PaginatedResponseEnvelope } from '../common/http/envelopes';
import { Page } from '../common/http/page';
import { PaginationQueryDto } from '../common/http/pagination-query.dto';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { type IfMatch, IfMatchHeader, Versioned } from '../common/http/versioned';
import { DeletionsErrors } from '../deletions/deletions.errors';
import { DeletionResponse } from '../deletions/dto/deletion.dto';
import { IdempotencyKey, IdempotentRequest } from '../idempotency/idempotent-request';
import { TenantsErrors } from '../tenants/tenants.errors';
import { UsersErrors } from '../users/users.errors';
import { AddGroupMemberDto } from './dto/add-group-member.dto';
import { CreateGroupDto } from './dto/create-group.dto';
import { GroupMemberResponse, GroupResponse } from './dto/group.dto';
import { ListGroupsQueryDto } from './dto/list-groups-query.dto';
import { UpdateGroupDto } from './dto/update-group.dto';
import { GroupsErrors } from './groups.errors';
import { GroupsService } from './groups.service';

@ApiTags('Groups')
@TenantScoped()
@Controller('api/v1/tenants/:tenant_id/groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Post()
  @RequireScopes(Scope.GroupsWrite)
  @Endpoint({
    summary: 'Create Group',
    status: 201,
    response: ApiResponseEnvelope(GroupResponse),
    errors: [TenantsErrors.notFound, GroupsErrors.nameTaken],
    idempotent: true,
    etag: true,
  })
  create(
    @TenantId() tenantId: string,
    @CurrentPrincipal() actor: Principal,
    @Body() body: CreateGroupDto,
    @IdempotencyKey() idempotency: IdempotentRequest | undefined,
  ): Promise<Versioned<GroupResponse>> {
    return this.groups.create(tenantId, actor, body, idempotency);
  }

  @Get()
  @RequireScopes(Scope.GroupsRead)
  @Endpoint({
    summary: 'List Groups',
    replicaRead: true,
    description: 'Groups of the tenant ordered by name, then id. `q` filters on the name.',
    status: 200,
    response: PaginatedResponseEnvelope(GroupResponse),
    errors: [TenantsErrors.notFound],
  })
  list(
    @TenantId() tenantId: string,
    @Query() query: ListGroupsQueryDto,
    @ReadConsistency() consistency: RequestConsistency,
  ): Promise<Page<GroupResponse>> {
    return this.groups.list(tenantId, query.toPageRequest(), query.q, consistency);
  }

  @Get(':group_id')
  @RequireScopes(Scope.GroupsRead)
  @Endpoint({
    summary: 'Get Group',
    status: 200,
    response: ApiResponseEnvelope(GroupResponse),
    errors: [GroupsErrors.notFound],
    etag: true,
    ifNoneMatch: true,
  })
  get(@TenantId() tenantId: string, @Param('group_id', UuidParamPipe) groupId: string): Promise<Versioned<GroupResponse>> {
    return this.groups.get(tenantId, groupId);
  }

  @Patch(':group_id')
  @RequireScopes(Scope.GroupsWrite)
  @Endpoint({
    summary: 'Update Group',
    status: 200,
    response: ApiResponseEnvelope(GroupResponse),
    errors: [GroupsErrors.notFound, GroupsErrors.nameTaken, GroupsErrors.versionMismatch],
    etag: true,
    ifMatch: true,
  })
  update(
    @TenantId() tenantId: string,
    @Param('group_id', UuidParamPipe) groupId: string,
    @CurrentPrincipal() actor: Principal,
    @Body() body: UpdateGroupDto,
    @IfMatchHeader() ifMatch: IfMatch | undefined,
  ): Promise<Versioned<GroupResponse>> {
    return this.groups.update(tenantId, groupId, actor, body, ifMatch);
  }

  @Delete(':group_id')
  @RequireScopes(Scope.GroupsWrite)
  @Endpoint({
    summary: 'Delete Group',
    description:
      'Deletes the group with its memberships and its application assignments. A large group is accepted (202) and its memberships removed in the background: it is gone for every read at once.',
    status: 204,
    accepted: ApiResponseEnvelope(DeletionResponse),
    errors: [GroupsErrors.notFound, GroupsErrors.versionMismatch],
    ifMatch: true,
  })
  async remove(
    @TenantId() tenantId: string,
    @Param('group_id', UuidParamPipe) groupId: string,
    @CurrentPrincipal() actor: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
    @IfMatchHeader() ifMatch: IfMatch | undefined,
  ): Promise<DeletionResponse | undefined> {
    return noContentOrAccepted(
      reply,
      await this.groups.remove(tenantId, groupId, actor, ifMatch),
      `/api/v1/tenants/${tenantId}/groups/${groupId}/deletion`,
    );
  }

  @Get(':group_id/deletion')
  @RequireScopes(Scope.GroupsRead)
  @Endpoint({
    summary: 'Get Group Deletion',
    description: 'The latest deletion of the group carried out in the background: accepted, running, completed.',
    status: 200,
    response: ApiResponseEnvelope(DeletionResponse),
    errors: [DeletionsErrors.notFound],
  })
  deletion(@TenantId() tenantId: string, @Param('group_id', UuidParamPipe) groupId: string): Promise<DeletionResponse> {
    return this.groups.deletion(tenantId, groupId);
  }

  @Get(':group_id/members')
  @RequireScopes(Scope.GroupsRead)
  @Endpoint({
    summary: 'List Group Members',
    replicaRead: true,
    description: 'Members ordered by email, then user id.',
    status: 200,
    response: PaginatedResponseEnvelope(GroupMemberResponse),
    errors: [GroupsErrors.notFound],
  })
  listMembers(
    @TenantId() tenantId: string,
    @Param('group_id', UuidParamPipe) groupId: string,
    @Query() query: PaginationQueryDto,
    @ReadConsistency() consistency: RequestConsistency,
  ): Promise<Page<GroupMemberResponse>> {
    return this.groups.listMembers(tenantId, groupId, query.toPageRequest(), consistency);
  }

  @Post(':group_id/members')
  @RequireScopes(Scope.GroupsWrite)
  @Endpoint({
    summary: 'Add Group Member',
    status: 201,
    response: ApiResponseEnvelope(GroupMemberResponse),
    errors: [GroupsErrors.notFound, UsersErrors.notFound, GroupsErrors.goneMeanwhile, GroupsErrors.alreadyMember],
    idempotent: true,
  })
  addMember(
    @TenantId() tenantId: string,
    @Param('group_id', UuidParamPipe) groupId: string,
    @CurrentPrincipal() actor: Principal,
    @Body() body: AddGroupMemberDto,
    @IdempotencyKey() idempotency: IdempotentRequest | undefined,
  ): Promise<GroupMemberResponse> {
    return this.groups.addMember(tenantId, groupId, body.user_id, actor, idempotency);
  }

  @Delete(':group_id/members/:user_id')
  @RequireScopes(Scope.GroupsWrite)
  @Endpoint({ summary: 'Remove Group Member', status: 204, errors: [GroupsErrors.notMember] })
  removeMember(
    @TenantId() tenantId: string,
    @Param('group_id', UuidParamPipe) groupId: string,
    @Param('user_id', UuidParamPipe) userId: string,
    @CurrentPrincipal() actor: Principal,
  ): Promise<void> {
    return this.groups.removeMember(tenantId, groupId, userId, actor);
  }
}
