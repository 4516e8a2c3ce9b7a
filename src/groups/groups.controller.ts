import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../audit/actor';
import { RequireScopes } from '../common/auth/decorators';
import { Scope } from '../common/auth/scopes';
import { Endpoint } from '../common/http/api-docs';
import { ApiResponseEnvelope, PaginatedResponseEnvelope } from '../common/http/envelopes';
import { Page } from '../common/http/page';
import { PaginationQueryDto } from '../common/http/pagination-query.dto';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { AddGroupMemberDto } from './dto/add-group-member.dto';
import { CreateGroupDto } from './dto/create-group.dto';
import { GroupMemberResponse, GroupResponse } from './dto/group.dto';
import { ListGroupsQueryDto } from './dto/list-groups-query.dto';
import { UpdateGroupDto } from './dto/update-group.dto';
import { GroupsService } from './groups.service';

@ApiTags('Groups')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant_id/groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Post()
  @RequireScopes(Scope.GroupsWrite)
  @Endpoint({ summary: 'Create Group', status: 201, response: ApiResponseEnvelope(GroupResponse), errors: [404, 409] })
  create(
    @CurrentActor() actor: Actor,
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Body() body: CreateGroupDto,
  ): Promise<GroupResponse> {
    return this.groups.create(actor, tenantId, body);
  }

  @Get()
  @RequireScopes(Scope.GroupsRead)
  @Endpoint({
    summary: 'List Groups',
    description: 'Groups of the tenant ordered by name, then id. `q` filters on the name.',
    status: 200,
    response: PaginatedResponseEnvelope(GroupResponse),
    errors: [404],
  })
  list(@Param('tenant_id', UuidParamPipe) tenantId: string, @Query() query: ListGroupsQueryDto): Promise<Page<GroupResponse>> {
    return this.groups.list(tenantId, query.toPageRequest(), query.q);
  }

  @Get(':group_id')
  @RequireScopes(Scope.GroupsRead)
  @Endpoint({ summary: 'Get Group', status: 200, response: ApiResponseEnvelope(GroupResponse), errors: [404] })
  get(
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('group_id', UuidParamPipe) groupId: string,
  ): Promise<GroupResponse> {
    return this.groups.get(tenantId, groupId);
  }

  @Patch(':group_id')
  @RequireScopes(Scope.GroupsWrite)
  @Endpoint({ summary: 'Update Group', status: 200, response: ApiResponseEnvelope(GroupResponse), errors: [404, 409] })
  update(
    @CurrentActor() actor: Actor,
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('group_id', UuidParamPipe) groupId: string,
    @Body() body: UpdateGroupDto,
  ): Promise<GroupResponse> {
    return this.groups.update(actor, tenantId, groupId, body);
  }

  @Delete(':group_id')
  @RequireScopes(Scope.GroupsWrite)
  @Endpoint({
    summary: 'Delete Group',
    description: 'Deletes the group with its memberships and its application assignments.',
    status: 204,
    errors: [404],
  })
  remove(
    @CurrentActor() actor: Actor,
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('group_id', UuidParamPipe) groupId: string,
  ): Promise<void> {
    return this.groups.remove(actor, tenantId, groupId);
  }

  @Get(':group_id/members')
  @RequireScopes(Scope.GroupsRead)
  @Endpoint({
    summary: 'List Group Members',
    description: 'Members ordered by email, then user id.',
    status: 200,
    response: PaginatedResponseEnvelope(GroupMemberResponse),
    errors: [404],
  })
  listMembers(
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('group_id', UuidParamPipe) groupId: string,
    @Query() query: PaginationQueryDto,
  ): Promise<Page<GroupMemberResponse>> {
    return this.groups.listMembers(tenantId, groupId, query.toPageRequest());
  }

  @Post(':group_id/members')
  @RequireScopes(Scope.GroupsWrite)
  @Endpoint({ summary: 'Add Group Member', status: 201, response: ApiResponseEnvelope(GroupMemberResponse), errors: [404, 409] })
  addMember(
    @CurrentActor() actor: Actor,
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('group_id', UuidParamPipe) groupId: string,
    @Body() body: AddGroupMemberDto,
  ): Promise<GroupMemberResponse> {
    return this.groups.addMember(actor, tenantId, groupId, body.user_id);
  }

  @Delete(':group_id/members/:user_id')
  @RequireScopes(Scope.GroupsWrite)
  @Endpoint({ summary: 'Remove Group Member', status: 204, errors: [404] })
  removeMember(
    @CurrentActor() actor: Actor,
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('group_id', UuidParamPipe) groupId: string,
    @Param('user_id', UuidParamPipe) userId: string,
  ): Promise<void> {
    return this.groups.removeMember(actor, tenantId, groupId, userId);
  }
}
