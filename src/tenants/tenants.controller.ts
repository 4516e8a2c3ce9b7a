import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '../audit/actor';
import { CurrentPrincipal, RequireScopes } from '../common/auth/decorators';
import { Principal } from '../common/auth/principal';
import { Scope } from '../common/auth/scopes';
import { Endpoint } from '../common/http/api-docs';
import { ApiResponseEnvelope, PaginatedResponseEnvelope } from '../common/http/envelopes';
import { Page } from '../common/http/page';
import { PaginationQueryDto } from '../common/http/pagination-query.dto';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { TenantResponse } from './dto/tenant.dto';
import { UpdateTenantDto } from './dto/update-tenant.dto';
import { TenantsService } from './tenants.service';

@ApiTags('Tenants')
@ApiBearerAuth()
@Controller('api/v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @RequireScopes(Scope.PlatformAdmin)
  @Endpoint({ summary: 'Create Tenant', status: 201, response: ApiResponseEnvelope(TenantResponse), errors: [409] })
  create(@CurrentActor() actor: Actor, @Body() body: CreateTenantDto): Promise<TenantResponse> {
    return this.tenants.create(actor, body);
  }

  @Get()
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
  @RequireScopes(Scope.TenantsRead)
  @Endpoint({ summary: 'Get Tenant', status: 200, response: ApiResponseEnvelope(TenantResponse), errors: [404] })
  get(@Param('tenant_id', UuidParamPipe) tenantId: string): Promise<TenantResponse> {
    return this.tenants.get(tenantId);
  }

  @Patch(':tenant_id')
  @RequireScopes(Scope.PlatformAdmin)
  @Endpoint({ summary: 'Update Tenant', status: 200, response: ApiResponseEnvelope(TenantResponse), errors: [404, 409] })
  update(
    @CurrentActor() actor: Actor,
    @Param('tenant_id', UuidParamPipe) tenantId: string,
    @Body() body: UpdateTenantDto,
  ): Promise<TenantResponse> {
    return this.tenants.update(actor, tenantId, body);
  }

  @Delete(':tenant_id')
  @RequireScopes(Scope.PlatformAdmin)
  @Endpoint({
    summary: 'Delete Tenant',
    description: 'Deletes the tenant with all its users, groups, applications, memberships and assignments.',
    status: 204,
    errors: [404],
  })
  remove(@CurrentActor() actor: Actor, @Param('tenant_id', UuidParamPipe) tenantId: string): Promise<void> {
    return this.tenants.remove(actor, tenantId);
  }
}
