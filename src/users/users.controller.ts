import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes, TenantId, TenantScoped } from '../common/auth/decorators';
import { Principal } from '../common/auth/principal';
import { Scope } from '../common/auth/scopes';
import { Endpoint } from '../common/http/api-docs';
import { ReadConsistency, RequestConsistency } from '../common/http/consistency';
import { ApiResponseEnvelope, PaginatedResponseEnvelope } from '../common/http/envelopes';
import { Page } from '../common/http/page';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { type IfMatch, IfMatchHeader, Versioned } from '../common/http/versioned';
import { IdempotencyKey, IdempotentRequest } from '../idempotency/idempotent-request';
import { TenantsErrors } from '../tenants/tenants.errors';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQueryDto } from './dto/list-users-query.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserResponse } from './dto/user.dto';
import { UsersErrors } from './users.errors';
import { UsersService } from './users.service';

@ApiTags('Users')
@TenantScoped()
@Controller('api/v1/tenants/:tenant_id/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @RequireScopes(Scope.UsersWrite)
  @Endpoint({
    summary: 'Create User',
    status: 201,
    response: ApiResponseEnvelope(UserResponse),
    errors: [TenantsErrors.notFound, UsersErrors.emailTaken],
    idempotent: true,
    etag: true,
  })
  create(
    @TenantId() tenantId: string,
    @CurrentPrincipal() actor: Principal,
    @Body() body: CreateUserDto,
    @IdempotencyKey() idempotency: IdempotentRequest | undefined,
  ): Promise<Versioned<UserResponse>> {
    return this.users.create(tenantId, actor, body, idempotency);
  }

  @Get()
  @RequireScopes(Scope.UsersRead)
  @Endpoint({
    summary: 'List Users',
    replicaRead: true,
    description: 'Users of the tenant ordered by email, then id. `q` filters on email or display name.',
    status: 200,
    response: PaginatedResponseEnvelope(UserResponse),
    errors: [TenantsErrors.notFound],
  })
  list(
    @TenantId() tenantId: string,
    @Query() query: ListUsersQueryDto,
    @ReadConsistency() consistency: RequestConsistency,
  ): Promise<Page<UserResponse>> {
    return this.users.list(tenantId, query.toPageRequest(), query.q, consistency);
  }

  @Get(':user_id')
  @RequireScopes(Scope.UsersRead)
  @Endpoint({
    summary: 'Get User',
    status: 200,
    response: ApiResponseEnvelope(UserResponse),
    errors: [UsersErrors.notFound],
    etag: true,
    ifNoneMatch: true,
  })
  get(@TenantId() tenantId: string, @Param('user_id', UuidParamPipe) userId: string): Promise<Versioned<UserResponse>> {
    return this.users.get(tenantId, userId);
  }

  @Patch(':user_id')
  @RequireScopes(Scope.UsersWrite)
  @Endpoint({
    summary: 'Update User',
    status: 200,
    response: ApiResponseEnvelope(UserResponse),
    errors: [UsersErrors.notFound, UsersErrors.emailTaken, UsersErrors.versionMismatch],
    etag: true,
    ifMatch: true,
  })
  update(
    @TenantId() tenantId: string,
    @Param('user_id', UuidParamPipe) userId: string,
    @CurrentPrincipal() actor: Principal,
    @Body() body: UpdateUserDto,
    @IfMatchHeader() ifMatch: IfMatch | undefined,
  ): Promise<Versioned<UserResponse>> {
    return this.users.update(tenantId, userId, actor, body, ifMatch);
  }

  @Delete(':user_id')
  @RequireScopes(Scope.UsersWrite)
  @Endpoint({
    summary: 'Delete User',
    description: 'Deletes the user with their group memberships and application assignments.',
    status: 204,
    errors: [UsersErrors.notFound, UsersErrors.versionMismatch],
    ifMatch: true,
  })
  remove(
    @TenantId() tenantId: string,
    @Param('user_id', UuidParamPipe) userId: string,
    @CurrentPrincipal() actor: Principal,
    @IfMatchHeader() ifMatch: IfMatch | undefined,
  ): Promise<void> {
    return this.users.remove(tenantId, userId, actor, ifMatch);
  }
}
