import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../audit/actor';
import { RequireScopes } from '../common/auth/decorators';
import { Scope } from '../common/auth/scopes';
import { Endpoint } from '../common/http/api-docs';
import { ApiResponseEnvelope, PaginatedResponseEnvelope } from '../common/http/envelopes';
import { Page } from '../common/http/page';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQueryDto } from './dto/list-users-query.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserResponse } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('Users')
@ApiBearerAuth()
@Controller('api/v1/tenants/:tenant_id/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @RequireScopes(Scope.UsersWrite)
  @Endpoint({ summary: 'Create User', status: 201, response: ApiResponseEnvelope(UserResponse), errors: [404, 409] })
  create(
    @CurrentActor() actor: Actor,
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Body() body: CreateUserDto,
  ): Promise<UserResponse> {
    return this.users.create(actor, tenantId, body);
  }

  @Get()
  @RequireScopes(Scope.UsersRead)
  @Endpoint({
    summary: 'List Users',
    description: 'Users of the tenant ordered by email, then id. `q` filters on email or display name.',
    status: 200,
    response: PaginatedResponseEnvelope(UserResponse),
    errors: [404],
  })
  list(@Param('tenant_id', UuidParamPipe) tenantId: string, @Query() query: ListUsersQueryDto): Promise<Page<UserResponse>> {
    return this.users.list(tenantId, query.toPageRequest(), query.q);
  }

  @Get(':user_id')
  @RequireScopes(Scope.UsersRead)
  @Endpoint({ summary: 'Get User', status: 200, response: ApiResponseEnvelope(UserResponse), errors: [404] })
  get(
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('user_id', UuidParamPipe) userId: string,
  ): Promise<UserResponse> {
    return this.users.get(tenantId, userId);
  }

  @Patch(':user_id')
  @RequireScopes(Scope.UsersWrite)
  @Endpoint({ summary: 'Update User', status: 200, response: ApiResponseEnvelope(UserResponse), errors: [404, 409] })
  update(
    @CurrentActor() actor: Actor,
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('user_id', UuidParamPipe) userId: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserResponse> {
    return this.users.update(actor, tenantId, userId, body);
  }

  @Delete(':user_id')
  @RequireScopes(Scope.UsersWrite)
  @Endpoint({
    summary: 'Delete User',
    description: 'Deletes the user with their group memberships and application assignments.',
    status: 204,
    errors: [404],
  })
  remove(
    @CurrentActor() actor: Actor,
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Param('user_id', UuidParamPipe) userId: string,
  ): Promise<void> {
    return this.users.remove(actor, tenantId, userId);
  }
}
