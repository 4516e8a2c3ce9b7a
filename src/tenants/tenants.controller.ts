import { Body, Controller, Delete, Get, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AcrossTenants, CurrentPrincipal, RequireScopes, TenantId, TenantIdParameter } from '../common/auth/decorators';
import { Principal } from '../common/auth/principal';
import { Scope } from '../common/auth/scopes';
import { noContentOrAccepted } from '../common/http/accepted';
import { Endpoint } from '../common/http/api-docs';
import { ApiResponseEnvelope, PaginatedResponseEnvelope } from '../common/http/envelopes';
import { Page } from '../common/http/page';
import { PaginationQueryDto } from '../common/http/pagination-query.dto';
import { DeletionsErrors } from '../deletions/deletions.errors';
import { DeletionResponse } from '../deletions/dto/deletion.dto';
import { IdempotencyKey, IdempotentRequest } from '../idempotency/idempotent-request';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { TenantResponse } from './dto/tenant.dto';
import { UpdateTenantDto } from './dto/update-tenant.dto';
import { TenantsErrors } from './tenants.errors';
import { TenantsService } from './tenants.service';

@ApiTags('Tenants')
@ApiBearerAuth()
@Controller('api/v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @AcrossTenants()
  @RequireScopes(Scope.PlatformAdmin)
  @Endpoint({
    summary: 'Create Tenant',
    status: 201,
    response: ApiResponseEnvelope(TenantResponse),
    errors: [TenantsErrors.slugTaken],
    idempotent: true,
  })
  create(
    @CurrentPrincipal() actor: Principal,
    @Body() body: CreateTenantDto,
    @IdempotencyKey() idempotency: IdempotentRequest | undefined,
  ): Promise<TenantResponse> {
    return this.tenants.create(actor, body, idempotency);
  }

  @Get()
  @AcrossTenants()
  @RequireScopes(Scope.TenantsRead)
  @Endpoint({
    summary: 'List Tenants',
    description: 'Tenants ordered by slug, then id. A platform admin sees every tenant; any other caller only its own.',
    status: 200,
    response: PaginatedResponseEnvelope(TenantResponse),
  })
  list(@CurrentPrincipal() principal: Principal, @Query() query: PaginationQueryDto): Promise<Page<TenantResponse>> {
    return this.tenants.list(principal, query.toPageRequest());
  }

  @Get(':tenant_id')
  @TenantIdParameter()
  @RequireScopes(Scope.TenantsRead)
  @Endpoint({
    summary: 'Get Tenant',
    status: 200,
    response: ApiResponseEnvelope(TenantResponse),
    errors: [TenantsErrors.notFound],
  })
  get(@TenantId() tenantId: string): Promise<TenantResponse> {
    return this.tenants.get(tenantId);
  }

  @Patch(':tenant_id')
  @TenantIdParameter()
  @RequireScopes(Scope.PlatformAdmin)
  @Endpoint({
    summary: 'Update Tenant',
    status: 200,
    response: ApiResponseEnvelope(TenantResponse),
    errors: [TenantsErrors.notFound, TenantsErrors.slugTaken],
  })
  update(
    @TenantId() tenantId: string,
    @CurrentPrincipal() actor: Principal,
    @Body() body: UpdateTenantDto,
  ): Promise<TenantResponse> {
    return this.tenants.update(tenantId, actor, body);
  }

  @Delete(':tenant_id')
  @TenantIdParameter()
  @RequireScopes(Scope.PlatformAdmin)
  @Endpoint({
    summary: 'Delete Tenant',
    description:
      'Deletes the tenant with all its users, groups, applications, memberships and assignments (its audit trail stays). A large tenant is accepted (202) and removed in the background: it is gone for every read at once.',
    status: 204,
    accepted: ApiResponseEnvelope(DeletionResponse),
    errors: [TenantsErrors.notFound],
  })
  async remove(
    @TenantId() tenantId: string,
    @CurrentPrincipal() actor: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeletionResponse | undefined> {
    return noContentOrAccepted(reply, await this.tenants.remove(tenantId, actor), `/api/v1/tenants/${tenantId}/deletion`);
  }

  @Get(':tenant_id/deletion')
  @TenantIdParameter()
  @RequireScopes(Scope.TenantsRead)
  @Endpoint({
    summary: 'Get Tenant Deletion',
    description: 'The latest deletion of the tenant carried out in the background: accepted, running, completed.',
    status: 200,
    response: ApiResponseEnvelope(DeletionResponse),
    errors: [DeletionsErrors.notFound],
  })
  deletion(@TenantId() tenantId: string): Promise<DeletionResponse> {
    return this.tenants.deletion(tenantId);
  }
}
