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
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { type IfMatch, IfMatchHeader, Versioned } from '../common/http/versioned';
import { DeletionsErrors } from '../deletions/deletions.errors';
import { DeletionResponse } from '../deletions/dto/deletion.dto';
import { IdempotencyKey, IdempotentRequest } from '../idempotency/idempotent-request';
import { TenantsErrors } from '../tenants/tenants.errors';
import { ApplicationsErrors } from './applications.errors';
import { ApplicationsService } from './applications.service';
import { ApplicationResponse } from './dto/application.dto';
import { CreateApplicationDto } from './dto/create-application.dto';
import { ListApplicationsQueryDto } from './dto/list-applications-query.dto';
import { UpdateApplicationDto } from './dto/update-application.dto';

@ApiTags('Applications')
@TenantScoped()
@Controller('api/v1/tenants/:tenant_id/applications')
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @RequireScopes(Scope.ApplicationsWrite)
  @Endpoint({
    summary: 'Create Application',
    status: 201,
    response: ApiResponseEnvelope(ApplicationResponse),
    errors: [TenantsErrors.notFound],
    idempotent: true,
    etag: true,
  })
  create(
    @TenantId() tenantId: string,
    @CurrentPrincipal() actor: Principal,
    @Body() body: CreateApplicationDto,
    @IdempotencyKey() idempotency: IdempotentRequest | undefined,
  ): Promise<Versioned<ApplicationResponse>> {
    return this.applications.create(tenantId, actor, body, idempotency);
  }

  @Get()
  @RequireScopes(Scope.ApplicationsRead)
  @Endpoint({
    summary: 'List Applications',
    replicaRead: true,
    description: 'Applications of the tenant ordered by name, then id. `q` filters on the name.',
    status: 200,
    response: PaginatedResponseEnvelope(ApplicationResponse),
    errors: [TenantsErrors.notFound],
  })
  list(
    @TenantId() tenantId: string,
    @Query() query: ListApplicationsQueryDto,
    @ReadConsistency() consistency: RequestConsistency,
  ): Promise<Page<ApplicationResponse>> {
    return this.applications.list(tenantId, query.toPageRequest(), query.q, consistency);
  }

  @Get(':application_id')
  @RequireScopes(Scope.ApplicationsRead)
  @Endpoint({
    summary: 'Get Application',
    status: 200,
    response: ApiResponseEnvelope(ApplicationResponse),
    errors: [ApplicationsErrors.notFound],
    etag: true,
    ifNoneMatch: true,
  })
  get(
    @TenantId() tenantId: string,
    @Param('application_id', UuidParamPipe) applicationId: string,
  ): Promise<Versioned<ApplicationResponse>> {
    return this.applications.get(tenantId, applicationId);
  }

  @Patch(':application_id')
  @RequireScopes(Scope.ApplicationsWrite)
  @Endpoint({
    summary: 'Update Application',
    status: 200,
    response: ApiResponseEnvelope(ApplicationResponse),
    errors: [ApplicationsErrors.notFound, ApplicationsErrors.versionMismatch],
    etag: true,
    ifMatch: true,
  })
  update(
    @TenantId() tenantId: string,
    @Param('application_id', UuidParamPipe) applicationId: string,
    @CurrentPrincipal() actor: Principal,
    @Body() body: UpdateApplicationDto,
    @IfMatchHeader() ifMatch: IfMatch | undefined,
  ): Promise<Versioned<ApplicationResponse>> {
    return this.applications.update(tenantId, applicationId, actor, body, ifMatch);
  }

  @Delete(':application_id')
  @RequireScopes(Scope.ApplicationsWrite)
  @Endpoint({
    summary: 'Delete Application',
    description:
      'Deletes the application with every user and group assignment to it. A large application is accepted (202) and removed in the background: it is gone for every read at once.',
    status: 204,
    accepted: ApiResponseEnvelope(DeletionResponse),
    errors: [ApplicationsErrors.notFound, ApplicationsErrors.versionMismatch],
    ifMatch: true,
  })
  async remove(
    @TenantId() tenantId: string,
    @Param('application_id', UuidParamPipe) applicationId: string,
    @CurrentPrincipal() actor: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
    @IfMatchHeader() ifMatch: IfMatch | undefined,
  ): Promise<DeletionResponse | undefined> {
    return noContentOrAccepted(
      reply,
      await this.applications.remove(tenantId, applicationId, actor, ifMatch),
      `/api/v1/tenants/${tenantId}/applications/${applicationId}/deletion`,
    );
  }

  @Get(':application_id/deletion')
  @RequireScopes(Scope.ApplicationsRead)
  @Endpoint({
    summary: 'Get Application Deletion',
    description: 'The latest deletion of the application carried out in the background: accepted, running, completed.',
    status: 200,
    response: ApiResponseEnvelope(DeletionResponse),
    errors: [DeletionsErrors.notFound],
  })
  deletion(
    @TenantId() tenantId: string,
    @Param('application_id', UuidParamPipe) applicationId: string,
  ): Promise<DeletionResponse> {
    return this.applications.deletion(tenantId, applicationId);
  }
}
